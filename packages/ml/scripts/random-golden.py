"""Reference outputs of the seeded generator in src/random, for test/seeded.test.ts.

Run from the repository root (standard library only):

    python3 packages/ml/scripts/random-golden.py

It prints JSON; the test holds the numbers as literals. The generator is rebuilt
here from the algorithm descriptions, not from the TypeScript, so that a change
to the generator, its seeding or its warm-up shows up as a failing test:

* splitmix32 (the seeder): a 32-bit Weyl sequence stepped by the golden-ratio
  constant 0x9E3779B9, as in SplitMix (Steele, Lea, Flood 2014, "Fast splittable
  pseudorandom number generators"), each state passed through the MurmurHash3
  32-bit finaliser fmix32 (Appleby, MurmurHash3.cpp). "splitmix32" names more
  than one 32-bit variant; this is the fmix32 one.
* sfc32 (the generator): Chris Doty-Humphrey's Small Fast Chaotic generator from
  PractRand (src/RNGs/sfc.cpp), with shifts 9 and 3 and rotation 21:
      tmp = a + b + counter; counter += 1
      a = b ^ (b >> 9); b = c + (c << 3); c = rotl(c, 21) + tmp; output tmp
  PractRand seeds it with a = 0, (b, c) from the seed and counter = 1; the
  TypeScript fills all four words, the counter included, with four splitmix32
  outputs instead, and then discards 12 outputs as PractRand does.
* A seed up to 2^53 is folded to 32 bits as low word XOR high word.
* next() = output / 2^32; int(n) rejects outputs at or above the largest
  multiple of n below 2^32 and returns output mod n; fork() seeds a new
  generator with one output.
* shuffled() is Durstenfeld's Fisher-Yates: for i from n - 1 down to 1, swap
  item i with item int(i + 1).
"""

import json

MASK = 0xFFFFFFFF


def splitmix32(seed):
    state = seed & MASK
    while True:
        state = (state + 0x9E3779B9) & MASK
        h = state
        h ^= h >> 16
        h = (h * 0x85EBCA6B) & MASK
        h ^= h >> 13
        h = (h * 0xC2B2AE35) & MASK
        h ^= h >> 16
        yield h


class Sfc32:
    def __init__(self, a, b, c, counter):
        self.a, self.b, self.c, self.counter = a, b, c, counter

    def raw32(self):
        out = (self.a + self.b + self.counter) & MASK
        self.counter = (self.counter + 1) & MASK
        self.a = self.b ^ (self.b >> 9)
        self.b = (self.c + (self.c << 3)) & MASK
        self.c = ((((self.c << 21) | (self.c >> 11)) & MASK) + out) & MASK
        return out


class Rng:
    def __init__(self, seed):
        words = splitmix32((seed & MASK) ^ (seed >> 32))
        self.sfc = Sfc32(next(words), next(words), next(words), next(words))
        for _ in range(12):
            self.sfc.raw32()

    def next(self):
        return self.sfc.raw32() / 2**32

    def int(self, n):
        limit = 2**32 - 2**32 % n
        while True:
            w = self.sfc.raw32()
            if w < limit:
                return w % n

    def fork(self):
        return Rng(self.sfc.raw32())


# Large n make int() reject often (2^31 + 1 rejects about half of all words), so
# the rejection loop is pinned too, not only the happy path.
INT_SIZES = [10, 1000, 2**31 + 1, 2**32]


def golden(seed):
    rng = Rng(seed)
    nexts = [rng.next() for _ in range(5)]
    ints = {str(n): [rng.int(n) for _ in range(5)] for n in INT_SIZES}
    child = rng.fork()
    fork_nexts = [child.next() for _ in range(3)]
    return {"seed": seed, "next": nexts, "int": ints, "forkNext": fork_nexts}


def shuffled(items, rng):
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = rng.int(i + 1)
        out[i], out[j] = out[j], out[i]
    return out


if __name__ == "__main__":
    # 2^53 - 1 is the largest seed createRng takes; it checks the 32-bit fold.
    streams = [golden(seed) for seed in [42, 0, 2**53 - 1]]
    shuffle = {"seed": 1, "items": 20, "out": shuffled(range(20), Rng(1))}
    print(json.dumps({"streams": streams, "shuffle": shuffle}, indent=2))
