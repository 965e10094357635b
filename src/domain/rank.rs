//! Backlog ranks: byte-string keys whose byte order is the backlog order.
//!
//! A key is an 8-byte big-endian integer part followed by an optional fraction (base-256 digits,
//! never ending in 0). Appending or prepending steps the integer by [`GAP`]; placing a story
//! between two others takes the integer midpoint while there is room and otherwise bisects the
//! fraction. So every move writes exactly one row, keys stay 8 bytes in the common case, and a
//! long run of inserts at one spot grows a key by about one byte per eight inserts.
//! SQLite compares BLOBs with `memcmp`, which is exactly this order.

/// Room left between neighbours appended one after another.
pub const GAP: u64 = 1 << 20;
const MIDDLE: u64 = 1 << 63;

/// A backlog position key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank(Vec<u8>);

impl Rank {
    /// The rank of the first story of an empty backlog.
    pub fn first() -> Self {
        Self::from_parts(MIDDLE, &[])
    }

    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    fn from_parts(integer: u64, fraction: &[u8]) -> Self {
        let mut bytes = integer.to_be_bytes().to_vec();
        bytes.extend_from_slice(fraction);
        Self(bytes)
    }

    fn integer(&self) -> u64 {
        let mut head = [0u8; 8];
        for (slot, byte) in head.iter_mut().zip(self.0.iter()) {
            *slot = *byte;
        }
        u64::from_be_bytes(head)
    }

    fn fraction(&self) -> &[u8] {
        self.0.get(8..).unwrap_or(&[])
    }

    /// A key after `self` with nothing else in between required (for appending).
    pub fn after(&self) -> Self {
        Self::between(Some(self), None)
    }

    /// A key before `self` (for prepending).
    pub fn before(&self) -> Self {
        Self::between(None, Some(self))
    }

    /// A key strictly between `low` and `high` (either may be open). `low < high` is required.
    pub fn between(low: Option<&Rank>, high: Option<&Rank>) -> Self {
        match (low, high) {
            (None, None) => Self::first(),
            (Some(low), None) => match low.integer().checked_add(GAP) {
                Some(next) => Self::from_parts(next, &[]),
                None => Self::from_parts(low.integer(), &bisect(low.fraction(), None)),
            },
            (None, Some(high)) => match high.integer() {
                hi if hi > GAP => Self::from_parts(hi - GAP, &[]),
                hi if hi > 1 => Self::from_parts(hi / 2, &[]),
                // Never produce the all-zero key: nothing could be placed below it.
                1 => Self::from_parts(0, &bisect(&[], None)),
                _ => Self::from_parts(0, &bisect(&[], Some(high.fraction()))),
            },
            (Some(low), Some(high)) => {
                debug_assert!(low < high, "ranks must be ordered");
                let (lo, hi) = (low.integer(), high.integer());
                if hi - lo > 1 {
                    Self::from_parts(lo + (hi - lo) / 2, &[])
                } else if hi == lo {
                    Self::from_parts(lo, &bisect(low.fraction(), Some(high.fraction())))
                } else {
                    Self::from_parts(lo, &bisect(low.fraction(), None))
                }
            }
        }
    }
}

/// Base-256 digits strictly between fractions `low` and `high` (`None` = 1.0), not ending in 0.
fn bisect(low: &[u8], high: Option<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut bounded = high;
    for i in 0.. {
        let l = u32::from(low.get(i).copied().unwrap_or(0));
        let h = bounded.map_or(256, |h| u32::from(h.get(i).copied().unwrap_or(0)));
        if h == l {
            out.push(l as u8);
        } else if h - l > 1 {
            out.push(((l + h) / 2) as u8);
            return out;
        } else {
            // Adjacent digits: keep low's and continue above the rest of low, unbounded.
            out.push(l as u8);
            bounded = None;
        }
    }
    unreachable!("the loop returns once the digits differ by more than one")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn appending_steps_the_integer_and_keeps_keys_short() {
        let mut last = Rank::first();
        for _ in 0..100_000 {
            let next = last.after();
            assert!(next > last);
            last = next;
        }
        assert_eq!(last.as_bytes().len(), 8);
    }

    #[test]
    fn inserting_again_and_again_at_one_spot_stays_ordered_and_small() {
        let low = Rank::first();
        let mut high = low.after();
        for _ in 0..2_000 {
            let mid = Rank::between(Some(&low), Some(&high));
            assert!(low < mid && mid < high);
            high = mid;
        }
        assert!(
            high.as_bytes().len() < 8 + 2_000 / 4,
            "{}",
            high.as_bytes().len()
        );
    }

    #[test]
    fn prepending_never_runs_out_of_room_near_zero() {
        let mut first = Rank::from_parts(3, &[]);
        for _ in 0..50 {
            let before = first.before();
            assert!(before < first);
            first = before;
        }
    }

    #[test]
    fn prepending_goes_below_the_first_key() {
        let first = Rank::first();
        let before = first.before();
        assert!(before < first);
        assert!(Rank::between(None, Some(&before)) < before);
    }

    proptest! {
        /// Random inserts anywhere always produce a strictly increasing sequence.
        #[test]
        fn any_sequence_of_inserts_keeps_the_order_strict(positions in proptest::collection::vec(0usize..1000, 1..300)) {
            let mut ranks: Vec<Rank> = Vec::new();
            for p in positions {
                let at = p % (ranks.len() + 1);
                let low = if at == 0 { None } else { ranks.get(at - 1) };
                let high = ranks.get(at);
                let key = Rank::between(low, high);
                if let Some(l) = low { prop_assert!(l < &key); }
                if let Some(h) = high { prop_assert!(&key < h); }
                ranks.insert(at, key);
            }
            prop_assert!(ranks.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
