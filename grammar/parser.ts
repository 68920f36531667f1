import { CstParser, type CstNode, type IParserConfig } from 'chevrotain';
import {
  ALL_TOKENS,
  BackquotedIdentifier,
  Comma,
  DecimalLiteral,
  DigitIdentifier,
  Equals,
  FloatingPointLiteral,
  Identifier,
  IntegerLiteral,
  K,
  LParen,
  Minus,
  NonReserved,
  QuotedIdentifier,
  RParen,
  StringLiteral,
  Variable,
} from './tokens.js';
import { errorMessageProvider } from './errors.js';

const CONFIG: IParserConfig = {
  recoveryEnabled: false,
  maxLookahead: 3,
  nodeLocationTracking: 'full',
  errorMessageProvider,
};

/**
 * Rules only: no semantics. One input is one statement (the splitter cuts a script at ';'); building the typed
 * AST, folding case and substituting variables happen in src/sql.
 */
export class SluiceParser extends CstParser {
  constructor() {
    super(ALL_TOKENS, CONFIG);
    this.performSelfAnalysis();
  }

  public statement = this.RULE('statement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.createConnector) },
      { ALT: () => this.SUBRULE(this.dropConnector) },
      { ALT: () => this.SUBRULE(this.listStatement) },
      { ALT: () => this.SUBRULE(this.describeConnector) },
      { ALT: () => this.SUBRULE(this.alterConnector) },
      { ALT: () => this.SUBRULE(this.connectorStateChange) },
      { ALT: () => this.SUBRULE(this.defineVariable) },
      { ALT: () => this.SUBRULE(this.undefineVariable) },
      { ALT: () => this.SUBRULE(this.setProperty) },
      { ALT: () => this.SUBRULE(this.unsetProperty) },
      { ALT: () => this.SUBRULE(this.runScript) },
      { ALT: () => this.SUBRULE(this.printTopic) },
    ]);
  });

  // CREATE {SOURCE|SINK} CONNECTOR [IF NOT EXISTS] name WITH (key = value, ...)
  public createConnector = this.RULE('createConnector', () => {
    this.CONSUME(K.CREATE);
    this.OR([{ ALT: () => this.CONSUME(K.SOURCE) }, { ALT: () => this.CONSUME(K.SINK) }]);
    this.CONSUME(K.CONNECTOR);
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.NOT);
      this.CONSUME(K.EXISTS);
    });
    this.SUBRULE(this.identifier);
    this.CONSUME(K.WITH);
    this.SUBRULE(this.propertyList);
  });

  // DROP CONNECTOR [IF EXISTS] name
  public dropConnector = this.RULE('dropConnector', () => {
    this.CONSUME(K.DROP);
    this.CONSUME(K.CONNECTOR);
    this.OPTION(() => {
      this.CONSUME(K.IF);
      this.CONSUME(K.EXISTS);
    });
    this.SUBRULE(this.identifier);
  });

  // {SHOW|LIST} [SOURCE|SINK] CONNECTORS | CONNECTOR PLUGINS | CONNECTOR OFFSETS name | VARIABLES | PROPERTIES
  //   | {STREAMS|TABLES|QUERIES} [EXTENDED] | [ALL] TOPICS [EXTENDED]
  public listStatement = this.RULE('listStatement', () => {
    this.OR([{ ALT: () => this.CONSUME(K.SHOW) }, { ALT: () => this.CONSUME(K.LIST) }]);
    this.OR2([
      {
        ALT: () => {
          this.OPTION(() => {
            this.OR3([{ ALT: () => this.CONSUME(K.SOURCE) }, { ALT: () => this.CONSUME(K.SINK) }]);
          });
          this.CONSUME(K.CONNECTORS);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.CONNECTOR);
          this.OR4([
            { ALT: () => this.CONSUME(K.PLUGINS) },
            {
              ALT: () => {
                this.CONSUME(K.OFFSETS);
                this.SUBRULE(this.identifier);
              },
            },
          ]);
        },
      },
      { ALT: () => this.CONSUME(K.VARIABLES) },
      { ALT: () => this.CONSUME(K.PROPERTIES) },
      {
        ALT: () => {
          this.OR5([{ ALT: () => this.CONSUME(K.STREAMS) }, { ALT: () => this.CONSUME(K.TABLES) }, { ALT: () => this.CONSUME(K.QUERIES) }]);
          this.OPTION4(() => this.CONSUME2(K.EXTENDED));
        },
      },
      {
        ALT: () => {
          this.OPTION2(() => this.CONSUME(K.ALL));
          this.CONSUME(K.TOPICS);
          this.OPTION3(() => this.CONSUME(K.EXTENDED));
        },
      },
    ]);
  });

  // DESCRIBE CONNECTOR name [EXTENDED]
  public describeConnector = this.RULE('describeConnector', () => {
    this.CONSUME(K.DESCRIBE);
    this.CONSUME(K.CONNECTOR);
    this.SUBRULE(this.identifier);
    this.OPTION(() => this.CONSUME(K.EXTENDED));
  });

  // ALTER CONNECTOR name SET (key = value, ...) | UNSET (key, ...) | RESET OFFSETS
  public alterConnector = this.RULE('alterConnector', () => {
    this.CONSUME(K.ALTER);
    this.CONSUME(K.CONNECTOR);
    this.SUBRULE(this.identifier);
    this.OR([
      {
        ALT: () => {
          this.CONSUME(K.SET);
          this.SUBRULE(this.propertyList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.UNSET);
          this.SUBRULE(this.keyList);
        },
      },
      {
        ALT: () => {
          this.CONSUME(K.RESET);
          this.CONSUME(K.OFFSETS);
        },
      },
    ]);
  });

  // {PAUSE|RESUME|RESTART} CONNECTOR name
  public connectorStateChange = this.RULE('connectorStateChange', () => {
    this.OR([
      { ALT: () => this.CONSUME(K.PAUSE) },
      { ALT: () => this.CONSUME(K.RESUME) },
      { ALT: () => this.CONSUME(K.RESTART) },
    ]);
    this.CONSUME(K.CONNECTOR);
    this.SUBRULE(this.identifier);
  });

  // DEFINE name = 'value'
  public defineVariable = this.RULE('defineVariable', () => {
    this.CONSUME(K.DEFINE);
    this.SUBRULE(this.variableName);
    this.CONSUME(Equals);
    this.CONSUME(StringLiteral);
  });

  // UNDEFINE name
  public undefineVariable = this.RULE('undefineVariable', () => {
    this.CONSUME(K.UNDEFINE);
    this.SUBRULE(this.variableName);
  });

  // SET 'property' = 'value'
  public setProperty = this.RULE('setProperty', () => {
    this.CONSUME(K.SET);
    this.CONSUME(StringLiteral);
    this.CONSUME(Equals);
    this.CONSUME2(StringLiteral);
  });

  // UNSET 'property'
  public unsetProperty = this.RULE('unsetProperty', () => {
    this.CONSUME(K.UNSET);
    this.CONSUME(StringLiteral);
  });

  // RUN SCRIPT 'path'
  public runScript = this.RULE('runScript', () => {
    this.CONSUME(K.RUN);
    this.CONSUME(K.SCRIPT);
    this.CONSUME(StringLiteral);
  });

  // PRINT topic [FROM BEGINNING] [INTERVAL|SAMPLE n] [LIMIT n]
  public printTopic = this.RULE('printTopic', () => {
    this.CONSUME(K.PRINT);
    this.OR([{ ALT: () => this.SUBRULE(this.identifier) }, { ALT: () => this.CONSUME(StringLiteral) }]);
    this.OPTION(() => {
      this.CONSUME(K.FROM);
      this.CONSUME(K.BEGINNING);
    });
    this.OPTION2(() => {
      this.OR2([{ ALT: () => this.CONSUME(K.INTERVAL) }, { ALT: () => this.CONSUME(K.SAMPLE) }]);
      this.CONSUME(IntegerLiteral);
    });
    this.OPTION3(() => {
      this.CONSUME(K.LIMIT);
      this.CONSUME2(IntegerLiteral);
    });
  });

  public propertyList = this.RULE('propertyList', () => {
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.property) });
    this.CONSUME(RParen);
  });

  public property = this.RULE('property', () => {
    this.SUBRULE(this.propertyKey);
    this.CONSUME(Equals);
    this.SUBRULE(this.literal);
  });

  // The keys of ALTER … UNSET: written as in WITH (a name in any quoting, or a 'string'), so a key can be copied over.
  public keyList = this.RULE('keyList', () => {
    this.CONSUME(LParen);
    this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => this.SUBRULE(this.propertyKey) });
    this.CONSUME(RParen);
  });

  public propertyKey = this.RULE('propertyKey', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.identifier) }, { ALT: () => this.CONSUME(StringLiteral) }]);
  });

  public literal = this.RULE('literal', () => {
    this.OR([
      { ALT: () => this.CONSUME(StringLiteral) },
      { ALT: () => this.SUBRULE(this.number) },
      { ALT: () => this.CONSUME(K.TRUE) },
      { ALT: () => this.CONSUME(K.FALSE) },
      { ALT: () => this.CONSUME(K.NULL) },
      { ALT: () => this.CONSUME(Variable) },
    ]);
  });

  public number = this.RULE('number', () => {
    this.OPTION(() => this.CONSUME(Minus));
    this.OR([
      { ALT: () => this.CONSUME(IntegerLiteral) },
      { ALT: () => this.CONSUME(DecimalLiteral) },
      { ALT: () => this.CONSUME(FloatingPointLiteral) },
    ]);
  });

  public variableName = this.RULE('variableName', () => {
    this.OR([{ ALT: () => this.CONSUME(Identifier) }, { ALT: () => this.CONSUME(NonReserved) }]);
  });

  public identifier = this.RULE('identifier', () => {
    this.OR([
      { ALT: () => this.CONSUME(Identifier) },
      { ALT: () => this.CONSUME(QuotedIdentifier) },
      { ALT: () => this.CONSUME(BackquotedIdentifier) },
      { ALT: () => this.CONSUME(DigitIdentifier) },
      { ALT: () => this.CONSUME(Variable) },
      { ALT: () => this.CONSUME(NonReserved) },
    ]);
  });
}

/** One shared instance: building a chevrotain parser runs its self-analysis, which is not free. */
export const parser = new SluiceParser();

export type StatementCst = CstNode;
