import { BUILTIN_CONNECTORS } from './builtin.js';
import { didYouMean } from './did-you-mean.js';
import type { ConnectorDefinition } from './schema.js';

/** Every spelling a definition answers to: canonical class first, then aliases, then the short name. */
function spellings(def: ConnectorDefinition): string[] {
  return [...new Set([def.className, ...def.aliases, def.name])];
}

/**
 * The connectors Sluice knows. Class names match exactly (Java class names are case-sensitive); aliases and
 * short names are Sluice conveniences and match ignoring case.
 */
export class ConnectorRegistry {
  readonly #defs: readonly ConnectorDefinition[];
  readonly #byClass = new Map<string, ConnectorDefinition>();
  readonly #byAlias = new Map<string, ConnectorDefinition>();

  constructor(defs: readonly ConnectorDefinition[]) {
    if (new Set(defs).size !== defs.length) throw new Error('a connector definition is listed twice');
    // Spellings equal ignoring case would make resolution depend on the user's capitalisation, so they clash too.
    const owners = new Map<string, ConnectorDefinition>();
    for (const def of defs) {
      for (const spelling of spellings(def)) {
        const owner = owners.get(spelling.toLowerCase());
        if (owner !== undefined && owner !== def) {
          throw new Error(`connector '${def.name}' reuses '${spelling}', already taken by connector '${owner.name}'`);
        }
        owners.set(spelling.toLowerCase(), def);
      }
      this.#byClass.set(def.className, def);
      for (const alias of [...def.aliases, def.name]) this.#byAlias.set(alias.toLowerCase(), def);
    }
    this.#defs = [...defs];
  }

  list(): readonly ConnectorDefinition[] {
    return this.#defs;
  }

  resolve(classOrAlias: string): ConnectorDefinition | undefined {
    return this.#byClass.get(classOrAlias) ?? this.#byAlias.get(classOrAlias.toLowerCase());
  }

  /** Closest known class, alias or short name, for "did you mean". */
  suggest(classOrAlias: string): string | undefined {
    return didYouMean(classOrAlias, this.#defs.flatMap(spellings));
  }
}

export const defaultRegistry = new ConnectorRegistry(BUILTIN_CONNECTORS);
