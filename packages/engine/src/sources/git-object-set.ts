// The set of blob ids a history scan has already read, kept compact because it is the one thing that
// grows with the history: 20 bytes per SHA-1 id (32 per SHA-256) in an open-addressing table, about
// 40 bytes per blob at worst, instead of ~100 for a Set of hex strings.

export class ObjectIdSet {
  private words = 0;
  private table = new Uint32Array(0);
  private capacity = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds a hex object id; returns false when it was already present. */
  add(hex: string): boolean {
    if (this.words === 0) this.init(hex.length / 8);
    if (hex.length !== this.words * 8) throw new Error(`object id "${hex}" has the wrong length`);
    if ((this.count + 1) * 2 > this.capacity) this.grow();
    const key = new Uint32Array(this.words);
    for (let w = 0; w < this.words; w++) key[w] = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
    return this.insert(key);
  }

  has(hex: string): boolean {
    if (this.words === 0 || hex.length !== this.words * 8) return false;
    const key = new Uint32Array(this.words);
    for (let w = 0; w < this.words; w++) key[w] = Number.parseInt(hex.slice(w * 8, w * 8 + 8), 16) >>> 0;
    return this.find(key) >= 0;
  }

  private init(words: number): void {
    if (!Number.isInteger(words) || words < 1) throw new Error('object ids must be hex, a multiple of 8 characters long');
    this.words = words;
    this.capacity = 1024;
    this.table = new Uint32Array(this.capacity * words);
  }

  // Object ids are uniformly distributed, so their first word is already a good hash. Word 0 of an
  // empty slot is 0 and the slot is told apart from a real id starting with 0 by the whole key.
  private slotOf(key: Uint32Array): number {
    return key[0]! & (this.capacity - 1);
  }

  private isEmpty(slot: number): boolean {
    const base = slot * this.words;
    for (let w = 0; w < this.words; w++) if (this.table[base + w] !== 0) return false;
    return true;
  }

  private equals(slot: number, key: Uint32Array): boolean {
    const base = slot * this.words;
    for (let w = 0; w < this.words; w++) if (this.table[base + w] !== key[w]) return false;
    return true;
  }

  private find(key: Uint32Array): number {
    let slot = this.slotOf(key);
    for (;;) {
      if (this.isEmpty(slot)) return -1;
      if (this.equals(slot, key)) return slot;
      slot = (slot + 1) & (this.capacity - 1);
    }
  }

  private insert(key: Uint32Array): boolean {
    // The all-zero id (git's "no object") is never stored: it would look like an empty slot.
    if (key.every((w) => w === 0)) return false;
    let slot = this.slotOf(key);
    for (;;) {
      if (this.isEmpty(slot)) {
        this.table.set(key, slot * this.words);
        this.count++;
        return true;
      }
      if (this.equals(slot, key)) return false;
      slot = (slot + 1) & (this.capacity - 1);
    }
  }

  private grow(): void {
    const old = this.table;
    const oldCapacity = this.capacity;
    this.capacity *= 2;
    this.table = new Uint32Array(this.capacity * this.words);
    this.count = 0;
    for (let slot = 0; slot < oldCapacity; slot++) {
      const key = old.subarray(slot * this.words, (slot + 1) * this.words);
      if (key.some((w) => w !== 0)) this.insert(key);
    }
  }
}
