//! One big team's story titles, indexed in memory by trigram, for searches of text the top of
//! its backlog does not have (`story_search.rs`).
//!
//! SQLite's trigram index (migration 0011, dropped by 0018) answered such a search in about 100
//! to 130 µs at 100,000 stories, nearly all of it FTS5 walking the doclists of the query's
//! trigrams with their positions (README, Performance). The same lists held here as sorted story slots,
//! delta-coded, answer it in about 7 µs (at 100,000 of the benchmark's titles, in 9 MB): the shortest lists are intersected, and the
//! few titles left are tested for each word.
//!
//! Titles are folded one character at a time with [`fold_char`], for the title and the typed
//! words alike, so folding keeps every substring a substring. Every title search folds this
//! way (the backlog's top in `open_titles.rs`, the SQL scans in `story_search.rs`), so whether a
//! title is found never depends on the team's size: the case of every letter is ignored
//! (`écran` finds `Écran`), accents are not (`ecran` does not), and `ß` is not `ss`, as
//! SQLite's trigram tokenizer did (migration 0011), folding case one character at a time too.
//!
//! Invariants: slots follow story ids upwards (stories are appended in id order), and each
//! trigram's list holds a slot at most once. What the index covers, and when it is stale, is
//! `title_indexes.rs`'s business.

use std::borrow::Cow;
use std::collections::HashMap;

/// A trigram of folded title bytes, packed into the low three bytes.
type Gram = u32;

/// One team's titles and the trigram lists over them.
#[derive(Debug, Default)]
pub struct TeamTitleIndex {
    /// Story ids, ascending; a story's place here is its slot.
    ids: Vec<i64>,
    /// Every folded title, one after another.
    text: String,
    /// Where each slot's title ends in `text` (it starts where the previous one ends).
    ends: Vec<u32>,
    grams: HashMap<Gram, Postings>,
}

impl TeamTitleIndex {
    /// Adds a story; its id must be above every id already held.
    pub fn push(&mut self, id: i64, title: &str) {
        debug_assert!(self.ids.last().is_none_or(|&last| last < id));
        let slot = u32::try_from(self.ids.len()).expect("fewer than 2^32 stories");
        let start = self.text.len();
        fold_into(&mut self.text, title);
        self.ids.push(id);
        self.ends
            .push(u32::try_from(self.text.len()).expect("titles under 4 GiB in all"));
        for gram in grams(&self.text.as_bytes()[start..]) {
            self.grams.entry(gram).or_default().push(slot);
        }
    }

    /// Gives back the spare room of a freshly built index.
    pub fn shrink_to_fit(&mut self) {
        self.ids.shrink_to_fit();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.grams.shrink_to_fit();
        self.grams
            .values_mut()
            .for_each(|postings| postings.bytes.shrink_to_fit());
    }

    /// How many stories are held.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// The ids of the stories whose folded title contains every folded word, ascending. Every
    /// word must be at least three bytes long once folded, so that it has a trigram.
    pub fn matching(&self, words: &[&str]) -> Vec<i64> {
        let words: Vec<Cow<'_, str>> = words.iter().map(|word| fold(word)).collect();
        let mut lists = Vec::new();
        for word in &words {
            for gram in grams(word.as_bytes()) {
                match self.grams.get(&gram) {
                    Some(postings) => lists.push(postings),
                    // A trigram no title has: nothing matches.
                    None => return Vec::new(),
                }
            }
        }
        if lists.is_empty() {
            return Vec::new();
        }
        lists.sort_by_key(|postings| postings.count);
        let mut slots: Vec<u32> = lists[0].slots().collect();
        // Intersecting a list costs its length; once few candidates are left, testing their
        // titles is cheaper than walking a much longer list.
        for postings in &lists[1..] {
            if slots.len() <= 8 || postings.count as usize > 32 * slots.len() {
                break;
            }
            slots = intersect(&slots, postings);
        }
        slots
            .into_iter()
            .filter(|&slot| {
                let title = self.title(slot);
                words.iter().all(|word| title.contains(word.as_ref()))
            })
            .map(|slot| self.ids[slot as usize])
            .collect()
    }

    fn title(&self, slot: u32) -> &str {
        let slot = slot as usize;
        let start = if slot == 0 { 0 } else { self.ends[slot - 1] };
        &self.text[start as usize..self.ends[slot] as usize]
    }
}

/// One character folded for title search: an ASCII letter to lower case; any other character
/// to its lower case when that is one character that is not ASCII (`É` to `é`, `Σ` to `σ`),
/// else as it is (`İ`, whose lower case is two characters, the Kelvin sign, whose is `k`).
/// Nothing folds into or out of ASCII, so on ASCII text this is SQLite's `LIKE`, and a
/// character stays one character, as `LIKE`'s `_` matches: `story_search.rs` relies on both.
pub(super) fn fold_char(c: char) -> char {
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(folded), None) if !folded.is_ascii() => folded,
        _ => c,
    }
}

/// `text` folded ([`fold_char`]); borrowed when that changes nothing, as for most typed text.
pub(super) fn fold(text: &str) -> Cow<'_, str> {
    if text
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return Cow::Borrowed(text);
    }
    let mut folded = String::with_capacity(text.len());
    fold_into(&mut folded, text);
    Cow::Owned(folded)
}

/// Appends `text` folded a character at a time.
fn fold_into(out: &mut String, text: &str) {
    if text.is_ascii() {
        out.extend(text.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    } else {
        out.extend(text.chars().map(fold_char));
    }
}

/// Each distinct trigram of `bytes`, in no particular order.
fn grams(bytes: &[u8]) -> impl Iterator<Item = Gram> + '_ {
    let mut seen: Vec<Gram> = bytes
        .windows(3)
        .map(|w| u32::from(w[0]) << 16 | u32::from(w[1]) << 8 | u32::from(w[2]))
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.into_iter()
}

/// The slots in `slots` that `postings` also holds.
fn intersect(slots: &[u32], postings: &Postings) -> Vec<u32> {
    let mut kept = Vec::with_capacity(slots.len());
    let mut theirs = postings.slots().peekable();
    for &slot in slots {
        while theirs.next_if(|&other| other < slot).is_some() {}
        if theirs.peek() == Some(&slot) {
            kept.push(slot);
        }
    }
    kept
}

/// A trigram's slots, ascending, as the gaps between them in LEB128 bytes: most gaps of a
/// common trigram take one byte, against four for a plain `u32`.
#[derive(Debug, Default)]
struct Postings {
    count: u32,
    last: u32,
    bytes: Vec<u8>,
}

impl Postings {
    fn push(&mut self, slot: u32) {
        let mut gap = if self.count == 0 {
            slot
        } else {
            slot - self.last
        };
        loop {
            let low = (gap & 0x7f) as u8;
            gap >>= 7;
            if gap == 0 {
                self.bytes.push(low);
                break;
            }
            self.bytes.push(low | 0x80);
        }
        self.count += 1;
        self.last = slot;
    }

    fn slots(&self) -> impl Iterator<Item = u32> + '_ {
        let mut bytes = self.bytes.iter();
        let mut slot = 0u32;
        let mut first = true;
        std::iter::from_fn(move || {
            let mut gap = 0u32;
            let mut shift = 0;
            loop {
                let byte = *bytes.next()?;
                gap |= u32::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            slot = if first { gap } else { slot + gap };
            first = false;
            Some(slot)
        })
    }
}

#[cfg(test)]
#[path = "title_index_tests.rs"]
mod tests;
