//! The hashers of the crate's maps.
//!
//! - [`HashMap`] and [`HashSet`], for every map whose keys may come from a
//!   file (names, paths, destinations): foldhash, seeded at random per run
//!   as std's SipHash is, so that a file cannot be written to make its keys
//!   collide, at a fraction of SipHash's cost (SipHash took 4-5% of a run's
//!   instructions). No output depends on the order of such a map: it
//!   differs from run to run.
//! - [`FastHashMap`] and [`FastHashSet`], for maps whose keys are small
//!   integers and spans that no outsider chooses (steps, priorities, path
//!   states): the multiply-rotate hash of rustc's FxHasher, cheaper still.

use std::hash::{BuildHasherDefault, Hasher};

/// `std`'s map, hashed with foldhash (see the module documentation).
pub type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
/// `std`'s set, hashed with foldhash (see the module documentation).
pub type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

pub type FastHash = BuildHasherDefault<FxHasher>;
pub type FastHashMap<K, V> = std::collections::HashMap<K, V, FastHash>;
pub type FastHashSet<K> = std::collections::HashSet<K, FastHash>;

#[derive(Default)]
pub struct FxHasher {
    hash: u64,
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.hash = (self.hash.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}
