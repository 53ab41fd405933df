import { randomInt } from 'node:crypto';
import { MIN_MASKABLE_LENGTH } from '../masking.js';
import type { CreatedValue, RotationSource } from './types.js';

export interface GeneratedSourceConfig {
  length: number;
  /** The characters to draw from (default letters and digits). */
  alphabet?: string;
  /** Text around the random part, e.g. `whsec_{}`; `{}` marks where it goes. */
  format?: string;
}

const DEFAULT_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A random value (a webhook secret, an API key the service accepts from us). Old values need no retiring here. */
export class GeneratedSource implements RotationSource {
  readonly kind = 'generated';
  private readonly alphabet: string;

  constructor(private readonly config: GeneratedSourceConfig) {
    this.alphabet = [...new Set(config.alphabet ?? DEFAULT_ALPHABET)].join('');
    if (this.alphabet.length < 2) throw new Error('the alphabet needs at least two distinct characters');
    const bits = config.length * Math.log2(this.alphabet.length);
    if (config.length < MIN_MASKABLE_LENGTH || bits < 128) {
      throw new Error(`a ${config.length}-character value over ${this.alphabet.length} characters has ${bits.toFixed(0)} bits; at least 128 are required`);
    }
    if (config.format !== undefined && !config.format.includes('{}')) throw new Error('format must contain {} where the random part goes');
  }

  async create(): Promise<CreatedValue> {
    let random = '';
    for (let i = 0; i < this.config.length; i++) random += this.alphabet[randomInt(this.alphabet.length)];
    const value = this.config.format ? this.config.format.replace('{}', random) : random;
    return { id: `generated-${new Date().toISOString()}`, value };
  }

  async verify(created: CreatedValue): Promise<void> {
    const random = this.config.format ? created.value.slice(this.config.format.indexOf('{}'), created.value.length - (this.config.format.length - this.config.format.indexOf('{}') - 2)) : created.value;
    if (random.length !== this.config.length || [...random].some((c) => !this.alphabet.includes(c))) {
      throw new Error('the generated value does not follow its policy');
    }
  }

  async retire(): Promise<'nothing-to-retire'> {
    return 'nothing-to-retire';
  }

  async verifyRetired(): Promise<boolean> {
    return true;
  }
}
