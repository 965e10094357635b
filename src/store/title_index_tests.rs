//! Tests of one team's titles in memory: matching, folding, the delta-coded lists.

use super::*;

fn index_of(titles: &[(i64, &str)]) -> TeamTitleIndex {
    let mut index = TeamTitleIndex::default();
    for &(id, title) in titles {
        index.push(id, title);
    }
    index
}

/// What the index must answer: every title tested for every folded word.
fn by_scan(titles: &[(i64, &str)], words: &[&str]) -> Vec<i64> {
    let fold = |text: &str| {
        let mut folded = String::new();
        fold_into(&mut folded, text);
        folded
    };
    titles
        .iter()
        .filter(|(_, title)| words.iter().all(|w| fold(title).contains(&fold(w))))
        .map(|&(id, _)| id)
        .collect()
}

#[test]
fn finds_titles_with_every_word_ignoring_case() {
    let titles = [
        (3, "Guest checkout"),
        (7, "Checkout for admins (#7)"),
        (9, "Export receipts"),
        (12, "GUEST CHECKOUT v2 (#12)"),
    ];
    let index = index_of(&titles);
    assert_eq!(index.matching(&["checkout"]), vec![3, 7, 12]);
    assert_eq!(index.matching(&["guest", "CHECKOUT"]), vec![3, 12]);
    assert_eq!(index.matching(&["12)"]), vec![12]);
    assert_eq!(index.matching(&["receipts", "guest"]), Vec::<i64>::new());
    assert_eq!(index.matching(&["zzz"]), Vec::<i64>::new());
    assert_eq!(index.len(), 4);
}

#[test]
fn trigrams_in_different_titles_or_places_do_not_make_a_match() {
    // "abc" and "bcd" are both in the first title but not "abcd"; the second has "abcd".
    let titles = [(1, "abc bcd"), (2, "xabcdx")];
    let index = index_of(&titles);
    assert_eq!(index.matching(&["abcd"]), vec![2]);
    assert_eq!(index.matching(&["abc", "bcd"]), vec![1, 2]);
}

#[test]
fn folds_letters_beyond_ascii_as_the_trigram_index_does() {
    let titles = [(1, "Écran d'ÉTÉ"), (2, "Straße bauen"), (3, "ΟΔΥΣΣΕΥΣ")];
    let index = index_of(&titles);
    assert_eq!(index.matching(&["écran"]), vec![1]);
    assert_eq!(index.matching(&["été"]), vec![1]);
    assert_eq!(index.matching(&["STRAßE"]), vec![2]);
    // Folded one character at a time, a sigma ending the typed text stays a plain one, as in
    // the title (a whole-string lower case would make it a final sigma there only).
    assert_eq!(index.matching(&["ΔΥΣ"]), vec![3]);
}

#[test]
fn agrees_with_a_scan_over_many_numbered_titles() {
    let titles: Vec<(i64, String)> = (1..=3_000)
        .map(|n| {
            let verb = ["Add", "Fix", "Export", "Review"][n % 4];
            (
                n as i64 * 3,
                format!("{verb} report {} for guests (#{n})", n % 37),
            )
        })
        .collect();
    let titles: Vec<(i64, &str)> = titles.iter().map(|(id, t)| (*id, t.as_str())).collect();
    let index = index_of(&titles);
    for words in [
        vec!["123)"],
        vec!["#12"],
        vec!["export", "21 f"],
        vec!["report", "guests"],
        vec!["fix", "(#29"],
        vec!["review", "36 for"],
        vec!["nothing"],
    ] {
        assert_eq!(
            index.matching(&words),
            by_scan(&titles, &words),
            "{words:?}"
        );
    }
}

#[test]
fn postings_round_trip_gaps_of_every_width() {
    let slots = [0, 1, 2, 130, 131, 20_000, 2_000_000, 2_000_001, u32::MAX];
    let mut postings = Postings::default();
    for slot in slots {
        postings.push(slot);
    }
    assert_eq!(postings.slots().collect::<Vec<_>>(), slots);
    assert_eq!(postings.count, slots.len() as u32);
    // Small gaps take a byte each.
    let mut dense = Postings::default();
    (0..100).for_each(|slot| dense.push(slot));
    assert_eq!(dense.bytes.len(), 100);
}

#[test]
fn a_title_repeating_a_trigram_is_listed_once() {
    let index = index_of(&[(1, "aaaaaa"), (2, "aaa")]);
    assert_eq!(index.grams.values().map(|p| p.count).sum::<u32>(), 2);
    assert_eq!(index.matching(&["aaaa"]), vec![1]);
}

#[test]
fn folding_keeps_ascii_apart_from_other_characters_and_one_character_one() {
    assert_eq!(fold("Écran ΣΊΣΥΦΟΣ"), "écran σίσυφοσ");
    assert!(matches!(fold("already folded"), Cow::Borrowed(_)));
    // `İ` lower-cases to two characters, the Kelvin sign to an ASCII `k`: both stay, so that
    // SQLite's `LIKE` (ASCII) and its `_` (one character) agree with the folding.
    assert_eq!(fold("İ\u{212A}"), "İ\u{212A}");
    assert_eq!(fold("STRAẞE"), "straße");
}
