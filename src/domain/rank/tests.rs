//! Tests of backlog keys: the order they keep, room between neighbours, and degenerate keys
//! (equal, misordered, all-zero, ending in zero) answered at once instead of searched forever.

use std::sync::mpsc::{channel, RecvTimeoutError};
use std::time::Duration;

use super::*;
use proptest::prelude::*;

fn key(bytes: &[u8]) -> Rank {
    Rank::from_bytes(bytes.to_vec())
}

/// [`Rank::between`] on its own thread: a search without end fails the test instead of hanging
/// the run.
fn between_in_time(low: Option<&[u8]>, high: Option<&[u8]>) -> Result<Rank, NoRoom> {
    let (low, high) = (low.map(key), high.map(key));
    let (tx, rx) = channel();
    std::thread::spawn(move || tx.send(Rank::between(low.as_ref(), high.as_ref())));
    match rx.recv_timeout(Duration::from_secs(5)) {
        Ok(answer) => answer,
        Err(RecvTimeoutError::Timeout) => panic!("Rank::between did not return within 5 s"),
        Err(RecvTimeoutError::Disconnected) => panic!("Rank::between panicked"),
    }
}

/// Whether any byte string lies strictly between (`None` low = the empty key, below all).
fn room_between(low: &[u8], high: Option<&[u8]>) -> bool {
    match high {
        None => true,
        Some(high) => low < high && high != [low, &[0]].concat(),
    }
}

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
        let mid = Rank::between(Some(&low), Some(&high)).unwrap();
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
        let before = first.before().unwrap();
        assert!(before < first);
        assert!(Rank::parse(before.as_bytes().to_vec()).is_ok());
        first = before;
    }
}

#[test]
fn prepending_goes_below_the_first_key() {
    let first = Rank::first();
    let before = first.before().unwrap();
    assert!(before < first);
    assert!(Rank::between(None, Some(&before)).unwrap() < before);
}

#[test]
fn equal_or_misordered_neighbours_have_no_room_and_answer_at_once() {
    let first = Rank::first().as_bytes().to_vec();
    let next = Rank::first().after().as_bytes().to_vec();
    for same in [&first[..], &[0][..], &[0; 8], &[1, 2, 3][..], &[][..]] {
        assert_eq!(
            between_in_time(Some(same), Some(same)),
            Err(NoRoom),
            "{same:?}"
        );
    }
    assert_eq!(between_in_time(Some(&next), Some(&first)), Err(NoRoom));
}

#[test]
fn nothing_fits_below_the_all_zero_key_or_just_above_a_key_ending_in_zero() {
    assert_eq!(between_in_time(None, Some(&[0])), Err(NoRoom));
    assert_eq!(between_in_time(None, Some(&[])), Err(NoRoom));
    let zeros = [0u8; 8];
    let below = between_in_time(None, Some(&zeros)).unwrap();
    assert!(below.as_bytes() < &zeros[..] && !below.as_bytes().is_empty());
    let k = Rank::first().as_bytes().to_vec();
    let k0 = [&k[..], &[0]].concat();
    assert_eq!(between_in_time(Some(&k), Some(&k0)), Err(NoRoom));
    let k00 = [&k[..], &[0, 0]].concat();
    assert_eq!(
        between_in_time(Some(&k), Some(&k00)).unwrap().as_bytes(),
        &k0[..]
    );
    // Both end in zero bytes and share their first 8: the fractions differ only by zeros.
    let short = [&k[..], &[5, 0]].concat();
    let long = [&k[..], &[5, 0, 0, 7]].concat();
    let mid = between_in_time(Some(&short), Some(&long)).unwrap();
    assert!(short < mid.as_bytes().to_vec() && mid.as_bytes() < &long[..]);
}

#[test]
fn keys_shorter_than_eight_bytes_are_still_placed_between() {
    let short = [0x80];
    let first = Rank::first().as_bytes().to_vec();
    let mid = between_in_time(Some(&short), Some(&first)).unwrap();
    assert!(short.to_vec() < mid.as_bytes().to_vec() && mid.as_bytes() < &first[..]);
}

#[test]
fn parse_refuses_the_keys_that_leave_no_room() {
    assert!(Rank::parse(Rank::first().as_bytes().to_vec()).is_ok());
    for bad in [
        &[][..],
        &[0][..],
        &[0; 8],
        &[0x80, 0, 0, 0, 0, 0, 0, 0, 3, 0],
        &[1; 7],
    ] {
        assert!(Rank::parse(bad.to_vec()).is_err(), "{bad:?}");
    }
    // An 8-byte integer may end in zero bytes; only the fraction may not.
    assert!(Rank::parse(vec![0, 0, 0, 0, 0, 0, 1, 0]).is_ok());
}

/// Bytes near the edges (0, 1, the middle, 255) make adjacent and zero-ended keys likely.
fn edgy_bytes() -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(
        prop_oneof![Just(0u8), Just(1), Just(0x80), Just(0xff), any::<u8>()],
        0..12,
    )
}

proptest! {
    /// Random inserts anywhere always produce a strictly increasing sequence of keys in this
    /// module's form.
    #[test]
    fn any_sequence_of_inserts_keeps_the_order_strict(positions in proptest::collection::vec(0usize..1000, 1..300)) {
        let mut ranks: Vec<Rank> = Vec::new();
        for p in positions {
            let at = p % (ranks.len() + 1);
            let low = if at == 0 { None } else { ranks.get(at - 1) };
            let high = ranks.get(at);
            let key = Rank::between(low, high).unwrap();
            if let Some(l) = low { prop_assert!(l < &key); }
            if let Some(h) = high { prop_assert!(&key < h); }
            prop_assert!(Rank::parse(key.as_bytes().to_vec()).is_ok());
            ranks.insert(at, key);
        }
        prop_assert!(ranks.windows(2).all(|w| w[0] < w[1]));
    }

    /// Any two byte strings, in any order: a key strictly between, or `NoRoom` exactly when no
    /// byte string fits there.
    #[test]
    fn any_two_keys_get_a_key_between_or_no_room(a in edgy_bytes(), b in edgy_bytes(), open_low: bool, open_high: bool) {
        let low = (!open_low).then_some(&a[..]);
        let high = (!open_high).then_some(&b[..]);
        let answer = between_in_time(low, high);
        let floor = low.unwrap_or(&[]);
        match answer {
            Ok(key) => {
                prop_assert!(floor < key.as_bytes());
                if let Some(high) = high { prop_assert!(key.as_bytes() < high); }
            }
            Err(NoRoom) => prop_assert!(!room_between(floor, high), "{low:?} {high:?}"),
        }
    }
}
