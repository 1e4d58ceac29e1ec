// A sorted list kept as a sequence of bounded blocks (like a B+tree's leaf level): inserting or removing
// costs a binary search plus a splice of at most BLOCK items, instead of shifting the whole array (indexes
// over multikey fields hold hundreds of thousands of entries; one flat array made every insert O(n)).

/** A position: block `b`, offset `i`. The end of the list is `{ b: blocks.length, i: 0 }`. */
export interface Pos {
  b: number
  i: number
}

const BLOCK = 512

export class SortedList<T> {
  private blocks: T[][] = []
  private n = 0

  constructor(private readonly cmp: (a: T, b: T) => number) {}

  get size(): number {
    return this.n
  }

  clear(): void {
    this.blocks = []
    this.n = 0
  }

  /** Replace the contents with `items` (any order): one sort instead of n inserts. */
  load(items: T[]): void {
    items.sort(this.cmp)
    this.blocks = []
    for (let i = 0; i < items.length; i += BLOCK) this.blocks.push(items.slice(i, i + BLOCK))
    this.n = items.length
  }

  /** First position whose item is NOT `before` (`before` must hold for a prefix of the list only). */
  seek(before: (item: T) => boolean): Pos {
    const bl = this.blocks
    let lo = 0,
      hi = bl.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      const blk = bl[mid]
      if (before(blk[blk.length - 1])) lo = mid + 1
      else hi = mid
    }
    if (lo === bl.length) return { b: lo, i: 0 }
    const blk = bl[lo]
    let a = 0,
      z = blk.length - 1
    while (a < z) {
      const mid = (a + z) >> 1
      if (before(blk[mid])) a = mid + 1
      else z = mid
    }
    return { b: lo, i: a }
  }

  at(p: Pos): T | undefined {
    return this.blocks[p.b]?.[p.i]
  }

  /** Insert unless an equal item is present; returns whether it was inserted. */
  insert(item: T): boolean {
    const p = this.seek((x) => this.cmp(x, item) < 0)
    const bl = this.blocks
    if (p.b === bl.length) {
      const last = bl[bl.length - 1]
      if (last && last.length < BLOCK) last.push(item)
      else bl.push([item])
    } else {
      const blk = bl[p.b]
      if (this.cmp(blk[p.i], item) === 0) return false
      blk.splice(p.i, 0, item)
      if (blk.length > 2 * BLOCK) bl.splice(p.b + 1, 0, blk.splice(BLOCK))
    }
    this.n++
    return true
  }

  /** Remove the item equal to `item`, if present. */
  remove(item: T): boolean {
    const p = this.seek((x) => this.cmp(x, item) < 0)
    const blk = this.blocks[p.b]
    if (!blk || this.cmp(blk[p.i], item) !== 0) return false
    blk.splice(p.i, 1)
    if (!blk.length) this.blocks.splice(p.b, 1)
    this.n--
    return true
  }

  /** Items in [from, to) (to = end when omitted). */
  *forward(from: Pos = { b: 0, i: 0 }, to?: Pos): Generator<T> {
    const bl = this.blocks
    const endB = to ? to.b : bl.length
    for (let b = from.b, i = from.i; b < bl.length && b <= endB; b++, i = 0) {
      const blk = bl[b]
      const stop = b === endB ? (to ? to.i : 0) : blk.length
      for (; i < stop; i++) yield blk[i]
    }
  }

  /** Items in [from, to) from last to first. */
  *backward(from: Pos = { b: 0, i: 0 }, to?: Pos): Generator<T> {
    const bl = this.blocks
    let b = to ? to.b : bl.length,
      i = to ? to.i : 0
    for (;;) {
      if (i === 0) {
        if (b === 0) return
        b--
        i = bl[b].length
      }
      i--
      if (b < from.b || (b === from.b && i < from.i)) return
      yield bl[b][i]
    }
  }

  /** Number of items in [from, to). */
  count(from: Pos, to: Pos): number {
    if (to.b < from.b || (to.b === from.b && to.i <= from.i)) return 0
    if (from.b === to.b) return to.i - from.i
    let n = this.blocks[from.b].length - from.i + to.i
    for (let b = from.b + 1; b < to.b; b++) n += this.blocks[b].length
    return n
  }
}
