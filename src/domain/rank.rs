//! Backlog ranks: byte-string keys whose byte order is the backlog order.
//!
//! A key is an 8-byte big-endian integer part followed by an optional fraction (base-256 digits,
//! never ending in 0). Appending or prepending steps the integer by [`GAP`]; placing a story
//! between two others takes the integer midpoint while there is room and otherwise bisects the
//! fraction. So every move writes exactly one row, keys stay 8 bytes in the common case, and a
//! long run of inserts at one spot grows a key by about one byte per eight inserts.
//! SQLite compares BLOBs with `memcmp`, which is exactly this order.
//!
//! Keys in that form ([`Rank::parse`]) always leave room between two different ones. A key this
//! module did not write (a hand-made backup) may not: nothing fits between `k` and `k ++ 00`,
//! or between two equal keys, so [`Rank::between`] answers [`NoRoom`] there instead of looking
//! forever.

use super::Invalid;

/// Room left between neighbours appended one after another.
pub const GAP: u64 = 1 << 20;
const MIDDLE: u64 = 1 << 63;

/// A backlog position key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rank(Vec<u8>);

/// No key lies strictly between the two asked for: they are equal, out of order, or adjacent
/// (`k` and `k ++ 00`), or nothing non-empty lies below an all-zero key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("no backlog key fits between those two")]
pub struct NoRoom;

impl Rank {
    /// The rank of the first story of an empty backlog.
    pub fn first() -> Self {
        Self::from_parts(MIDDLE, &[])
    }

    /// A stored key, as it is (the store holds what this module or an import wrote).
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    /// A key in the form this module writes: at least the 8-byte integer, a fraction that does
    /// not end in a zero byte, not all zeros. Such keys always leave room beside each other.
    pub fn parse(bytes: Vec<u8>) -> Result<Self, Invalid> {
        let rank = Self(bytes);
        if rank.0.len() < 8 {
            return Err(Invalid::new(format!(
                "the rank is {} bytes long; a rank has at least 8",
                rank.0.len()
            )));
        }
        if rank.fraction().last() == Some(&0) {
            return Err(Invalid::new(
                "the rank ends in a zero byte past its first 8, so nothing could be ranked just above it",
            ));
        }
        if rank.0.iter().all(|b| *b == 0) {
            return Err(Invalid::new(
                "the rank is all zeros, so nothing could be ranked above it",
            ));
        }
        Ok(rank)
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

    fn is_well_formed(&self) -> bool {
        Self::parse(self.0.clone()).is_ok()
    }

    /// A key after `self` with nothing else in between required (for appending). There is
    /// always room above a key.
    pub fn after(&self) -> Self {
        Self::between(Some(self), None).unwrap_or_else(|NoRoom| {
            let mut bytes = self.0.clone();
            bytes.push(0x80);
            Self(bytes)
        })
    }

    /// A key before `self` (for prepending).
    pub fn before(&self) -> Result<Self, NoRoom> {
        Self::between(None, Some(self))
    }

    /// A key strictly between `low` and `high` (either may be open), or [`NoRoom`] when there is
    /// none (equal or misordered keys, or keys not in this module's form that leave no gap).
    /// Always returns: it never searches without bound.
    pub fn between(low: Option<&Rank>, high: Option<&Rank>) -> Result<Self, NoRoom> {
        if let (Some(low), Some(high)) = (low, high) {
            if low >= high {
                return Err(NoRoom);
            }
        }
        let well_formed =
            low.is_none_or(Rank::is_well_formed) && high.is_none_or(Rank::is_well_formed);
        let key = if well_formed {
            Self::between_well_formed(low, high)
        } else {
            // Not our form: any byte string strictly between will do.
            let low = low.map_or(&[][..], Rank::as_bytes);
            between_bytes(low, high.map(Rank::as_bytes)).map(Self)
        }
        .ok_or(NoRoom)?;
        debug_assert!(low.is_none_or(|l| *l < key) && high.is_none_or(|h| key < *h));
        Ok(key)
    }

    /// The short keys of this module's form, for ordered well-formed neighbours (`None` only if
    /// that promise is broken).
    fn between_well_formed(low: Option<&Rank>, high: Option<&Rank>) -> Option<Self> {
        match (low, high) {
            (None, None) => Some(Self::first()),
            (Some(low), None) => match low.integer().checked_add(GAP) {
                Some(next) => Some(Self::from_parts(next, &[])),
                None => Some(Self::from_parts(
                    low.integer(),
                    &bisect(low.fraction(), None)?,
                )),
            },
            (None, Some(high)) => match high.integer() {
                hi if hi > GAP => Some(Self::from_parts(hi - GAP, &[])),
                hi if hi > 1 => Some(Self::from_parts(hi / 2, &[])),
                // Never produce the all-zero key: nothing could be placed below it.
                1 => Some(Self::from_parts(0, &bisect(&[], None)?)),
                _ => Some(Self::from_parts(0, &bisect(&[], Some(high.fraction()))?)),
            },
            (Some(low), Some(high)) => {
                let (lo, hi) = (low.integer(), high.integer());
                if hi < lo {
                    None
                } else if hi - lo > 1 {
                    Some(Self::from_parts(lo + (hi - lo) / 2, &[]))
                } else if hi == lo {
                    let fraction = bisect(low.fraction(), Some(high.fraction()))?;
                    Some(Self::from_parts(lo, &fraction))
                } else {
                    Some(Self::from_parts(lo, &bisect(low.fraction(), None)?))
                }
            }
        }
    }
}

/// Base-256 digits strictly between fractions `low` and `high` (`None` = 1.0), not ending in 0;
/// `None` when the digits run out without a gap (fractions equal up to trailing zeros, which
/// well-formed keys never are). Past both inputs' digits the answer is decided, so the loop is
/// bounded by their length.
fn bisect(low: &[u8], high: Option<&[u8]>) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut bounded = high;
    let digits = low.len().max(high.map_or(0, <[u8]>::len)) + 1;
    for i in 0..=digits {
        let l = u32::from(low.get(i).copied().unwrap_or(0));
        let h = bounded.map_or(256, |h| u32::from(h.get(i).copied().unwrap_or(0)));
        if h < l {
            return None;
        } else if h == l {
            out.push(l as u8);
        } else if h - l > 1 {
            out.push(((l + h) / 2) as u8);
            return Some(out);
        } else {
            // Adjacent digits: keep low's and continue above the rest of low, unbounded.
            out.push(l as u8);
            bounded = None;
        }
    }
    None
}

/// Any byte string strictly between `low` and `high` (`None` = unbounded) in byte order, for
/// keys not in this module's form; `None` when there is none. `low < high` is required.
fn between_bytes(low: &[u8], high: Option<&[u8]>) -> Option<Vec<u8>> {
    let Some(high) = high else {
        let mut key = low.to_vec();
        key.push(0x80);
        return Some(key);
    };
    let common = low.iter().zip(high).take_while(|(l, h)| l == h).count();
    if common < low.len() {
        // They differ at `common`, where low's byte is the smaller.
        let (l, h) = (low[common], high[common]);
        if h - l > 1 {
            let mut key = low[..common].to_vec();
            key.push(l + (h - l) / 2);
            return Some(key);
        }
        // Anything above low that keeps low's byte at `common` stays below high.
        let mut key = low.to_vec();
        key.push(0x80);
        return Some(key);
    }
    // Low is a prefix of high: something above low and below its continuation `tail`.
    let tail = &high[common..];
    let mut key = low.to_vec();
    match tail.iter().position(|b| *b != 0) {
        Some(at) => {
            key.extend_from_slice(&tail[..at]);
            if tail[at] > 1 {
                key.push(tail[at] / 2);
            } else {
                key.extend_from_slice(&[0, 0x80]);
            }
        }
        // `low ++ 00` leaves nothing between; a longer run of zeros leaves a shorter one.
        None if tail.len() > 1 => key.extend_from_slice(&tail[..tail.len() - 1]),
        None => return None,
    }
    Some(key)
}

#[cfg(test)]
mod tests;
