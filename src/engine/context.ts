import type { Catalog } from '../catalog/catalog.js';
import type { ConnectorRegistry } from '../connectors/registry.js';
import type { RuntimeView } from '../runtime/runtime.js';
import type { SecretRedactor } from '../sql/secret-redactor.js';
import type { Session } from './session.js';

/** Everything a statement handler may use. Handlers never reach for globals. */
export interface ExecContext {
  readonly catalog: Catalog;
  readonly session: Session;
  readonly registry: ConnectorRegistry;
  readonly redactor: SecretRedactor;
  /** The file the statement came from, if any (RUN SCRIPT resolves relative to it). */
  readonly file: string | undefined;
  /** Real paths of the scripts being run, outermost first: guards RUN SCRIPT against including itself. */
  readonly scriptStack: readonly string[];
  /** True while validating against a sandbox copy. */
  readonly sandbox: boolean;
  /** The runtime moving data, when this process runs one (not for `sluice check`). */
  readonly runtime?: RuntimeView | undefined;
  /**
   * Names whose CREATE failed during this validation: a later "does not exist" for them is a consequence of that
   * error, not a new one, so validation does not report it twice.
   */
  readonly failedCreates?: Set<string>;
}
