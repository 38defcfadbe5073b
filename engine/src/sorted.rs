//! A map and a set kept as sorted vectors, and a sort for short lists: the part of `BTreeMap` and `BTreeSet` this project
//! uses, with the same iteration order and the same JSON, in a fraction of the code.
//!
//! The maps here are small (a shop's services, a learner's lessons and steps), so a binary
//! search over one vector is as fast as a B-tree, and each key and value type adds a few
//! hundred bytes to the page instead of the B-tree's several kilobytes.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::marker::PhantomData;

/// Sorts `items` by `key`, keeping equal keys in their order: an insertion sort that finds
/// each place by binary search. Linear on input that comes nearly in order (actions recorded
/// as time goes on), quadratic moves at worst, so only for short lists (a few thousand); in
/// exchange it adds a few hundred bytes to the page where the standard sorts add kilobytes
/// per element type.
pub fn sort_short_by_key<T, K: Ord>(items: &mut [T], key: impl Fn(&T) -> K) {
    for i in 1..items.len() {
        let k = key(&items[i]);
        let to = items[..i].partition_point(|item| key(item) <= k);
        items[to..=i].rotate_right(1);
    }
}

/// Entries in key order, each key once.
#[derive(Clone, PartialEq, Eq)]
pub struct SortedMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for SortedMap<K, V> {
    fn default() -> Self {
        SortedMap {
            entries: Vec::new(),
        }
    }
}

impl<K: Ord, V> SortedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.entries[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    /// Sets the value for `key`, returning the one it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value for `key`, inserting `make()` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|(_, v)| v)
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for SortedMap<K, V> {
    /// Later entries replace earlier ones with the same key, as in `BTreeMap`.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = SortedMap::new();
        for (key, value) in items {
            map.insert(key, value);
        }
        map
    }
}

impl<'a, K: Ord, V> IntoIterator for &'a SortedMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for SortedMap<K, V> {
    type Output = V;

    /// Panics if `key` is absent, as `BTreeMap` does.
    fn index(&self, key: &Q) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for SortedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

impl<K: Serialize, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (key, value) in &self.entries {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for SortedMap<K, V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Ord + Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for MapVisitor<K, V> {
            type Value = SortedMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((key, value)) = access.next_entry()? {
                    map.insert(key, value);
                }
                Ok(map)
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

/// Values in order, each once.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SortedSet<T> {
    items: Vec<T>,
}

impl<T: Ord> SortedSet<T> {
    pub fn new() -> Self {
        SortedSet { items: Vec::new() }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn contains(&self, value: &T) -> bool {
        self.items.binary_search(value).is_ok()
    }

    /// Adds `value`; false if it was there already.
    pub fn insert(&mut self, value: T) -> bool {
        match self.items.binary_search(&value) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, value);
                true
            }
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord> FromIterator<T> for SortedSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = SortedSet::new();
        for item in items {
            set.insert(item);
        }
        set
    }
}

impl<'a, T> IntoIterator for &'a SortedSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for SortedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(&self.items).finish()
    }
}

impl<T: Serialize> Serialize for SortedSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.items.len()))?;
        for item in &self.items {
            seq.serialize_element(item)?;
        }
        seq.end()
    }
}

impl<'de, T: Ord + Deserialize<'de>> Deserialize<'de> for SortedSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SeqVisitor<T>(PhantomData<T>);
        impl<'de, T: Ord + Deserialize<'de>> Visitor<'de> for SeqVisitor<T> {
            type Value = SortedSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut set = SortedSet::new();
                while let Some(item) = access.next_element()? {
                    set.insert(item);
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(SeqVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    /// The short sort gives exactly what the standard stable sort gives, equal keys in their
    /// order, on shuffled, sorted, reversed and nearly sorted lists with many repeats.
    #[test]
    fn short_sort_matches_the_stable_sort() {
        let mut x = 11u64;
        let mut next = move || {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            x >> 33
        };
        for len in [0usize, 1, 2, 3, 10, 257] {
            let random: Vec<(u64, usize)> = (0..len).map(|i| (next() % 17, i)).collect();
            let ascending: Vec<(u64, usize)> = (0..len).map(|i| (i as u64 / 3, i)).collect();
            let descending: Vec<(u64, usize)> = ascending.iter().rev().copied().collect();
            let mut nearly = ascending.clone();
            if len > 4 {
                nearly.swap(1, len - 2);
            }
            for input in [random, ascending, descending, nearly] {
                let mut mine = input.clone();
                sort_short_by_key(&mut mine, |&(key, _)| key);
                let mut theirs = input;
                theirs.sort_by_key(|&(key, _)| key);
                assert_eq!(mine, theirs);
            }
        }
    }

    /// The same operations on both give the same contents and the same JSON.
    #[test]
    fn behaves_as_btree_map_and_set() {
        let mut mine = SortedMap::new();
        let mut theirs = BTreeMap::new();
        let mut set = SortedSet::new();
        let mut btree_set = BTreeSet::new();
        let mut x = 7u64;
        for step in 0..2_000u64 {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let key = (x >> 40) % 97;
            match step % 4 {
                0 | 1 => assert_eq!(mine.insert(key, step), theirs.insert(key, step)),
                2 => assert_eq!(mine.remove(&key), theirs.remove(&key)),
                _ => *mine.get_or_insert_with(key, || 0) += 1,
            }
            if step % 4 == 3 {
                *theirs.entry(key).or_insert(0) += 1;
            }
            assert_eq!(set.insert(key % 13), btree_set.insert(key % 13));
            assert_eq!(mine.get(&key), theirs.get(&key));
        }
        assert!(mine.iter().eq(theirs.iter()));
        assert!(set.iter().eq(btree_set.iter()));
        assert_eq!(
            serde_json::to_string(&mine).unwrap(),
            serde_json::to_string(&theirs).unwrap()
        );
        assert_eq!(
            serde_json::to_string(&set).unwrap(),
            serde_json::to_string(&btree_set).unwrap()
        );
    }

    /// Reading keeps BTreeMap's rules: keys end up in order and a repeated key keeps the last
    /// value; a repeated set member is kept once.
    #[test]
    fn reads_what_btree_collections_read() {
        let text = r#"{"b": 1, "a": 2, "b": 3}"#;
        let mine: SortedMap<String, u32> = serde_json::from_str(text).unwrap();
        let theirs: BTreeMap<String, u32> = serde_json::from_str(text).unwrap();
        assert!(mine.iter().eq(theirs.iter()));
        let mine: SortedSet<u32> = serde_json::from_str("[3, 1, 3, 2]").unwrap();
        assert_eq!(mine.iter().copied().collect::<Vec<_>>(), [1, 2, 3]);
        let wrong = serde_json::from_str::<SortedMap<String, u32>>("[1]").unwrap_err();
        assert!(wrong.to_string().contains("expected a map"), "{wrong}");
    }
}
