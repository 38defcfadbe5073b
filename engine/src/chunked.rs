//! A double-ended queue stored in fixed-size chunks, for the two collections that can grow to
//! millions of entries in a backed-up run (live orders, a partition's log). A `VecDeque` that
//! doubles copies everything it holds at once: a hundred megabytes in one step, hundreds of
//! milliseconds in a browser tab. Here growing allocates one more chunk, and what is held
//! never moves. A log's chunks are shared between copies (a rewind checkpoint copies the list
//! of chunks, not the records), and a shared chunk is copied only when one side changes it;
//! live orders, changed all the time, keep plain chunks, as the shortest path to an entry.

use std::sync::Arc;

/// How a chunk is held: plainly, or shared between copies.
pub trait Chunk<T>: Clone + Default {
    /// Entries per chunk.
    const LEN: usize;
    fn new(capacity: usize) -> Self;
    fn items(&self) -> &Vec<T>;
    /// For writing (a shared chunk is copied first if another copy holds it too).
    fn items_mut(&mut self) -> &mut Vec<T>;
    /// Whether `other` is this very chunk, shared.
    fn shared_with(&self, other: &Self) -> bool;
}

impl<T: Clone> Chunk<T> for Vec<T> {
    const LEN: usize = 4_096;
    fn new(capacity: usize) -> Self {
        Vec::with_capacity(capacity)
    }
    #[inline]
    fn items(&self) -> &Vec<T> {
        self
    }
    #[inline]
    fn items_mut(&mut self) -> &mut Vec<T> {
        self
    }
    fn shared_with(&self, _: &Self) -> bool {
        false
    }
}

/// Smaller, since a copy that is written to copies its last chunk: what a rewind checkpoint
/// holds apart from the live run is about half a chunk per log.
impl<T: Clone> Chunk<T> for Arc<Vec<T>> {
    const LEN: usize = 512;
    fn new(capacity: usize) -> Self {
        Arc::new(Vec::with_capacity(capacity))
    }
    #[inline]
    fn items(&self) -> &Vec<T> {
        self
    }
    #[inline]
    fn items_mut(&mut self) -> &mut Vec<T> {
        Arc::make_mut(self)
    }
    fn shared_with(&self, other: &Self) -> bool {
        Arc::ptr_eq(self, other)
    }
}

/// A chunked deque whose copies share their chunks.
pub type SharedChunkedDeque<T> = ChunkedDeque<T, Arc<Vec<T>>>;

#[derive(Clone, Debug)]
pub struct ChunkedDeque<T, C = Vec<T>> {
    /// Chunks from `first` on hold the entries; every one but the last is full, and the
    /// first has `head` entries already taken. Used-up chunks before `first` are emptied and
    /// dropped from the list now and then (moving pointers, never entries).
    chunks: Vec<C>,
    first: usize,
    head: usize,
    len: usize,
    item: std::marker::PhantomData<T>,
}

impl<T, C> Default for ChunkedDeque<T, C> {
    fn default() -> Self {
        ChunkedDeque {
            chunks: Vec::new(),
            first: 0,
            head: 0,
            len: 0,
            item: std::marker::PhantomData,
        }
    }
}

impl<T: Clone, C: Chunk<T>> ChunkedDeque<T, C> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push_back(&mut self, value: T) {
        if self.chunks.len() == self.first
            || self
                .chunks
                .last()
                .is_some_and(|c| c.items().len() == C::LEN)
        {
            self.chunks.push(C::new(C::LEN));
        }
        if let Some(last) = self.chunks.last_mut() {
            last.items_mut().push(value);
            self.len += 1;
        }
    }

    /// Takes the first entry out (it is dropped with its chunk).
    pub fn pop_front(&mut self) -> bool {
        if self.len == 0 {
            return false;
        }
        self.head += 1;
        self.len -= 1;
        if self.len == 0 {
            self.chunks.clear();
            self.first = 0;
            self.head = 0;
        } else if self.head == C::LEN {
            // The first chunk is used up: free it, and now and then the list's front too.
            self.chunks[self.first] = C::default();
            self.first += 1;
            self.head = 0;
            if self.first >= 64 && self.first * 2 >= self.chunks.len() {
                self.chunks.drain(..self.first);
                self.first = 0;
            }
        }
        true
    }

    #[inline]
    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        (index < self.len).then(|| {
            let at = self.head + index;
            (self.first + at / C::LEN, at % C::LEN)
        })
    }

    #[inline]
    pub fn get(&self, index: usize) -> Option<&T> {
        let (chunk, offset) = self.locate(index)?;
        self.chunks.get(chunk)?.items().get(offset)
    }

    #[inline]
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let (chunk, offset) = self.locate(index)?;
        self.chunks.get_mut(chunk)?.items_mut().get_mut(offset)
    }

    pub fn front(&self) -> Option<&T> {
        self.get(0)
    }

    /// Entries from first to last.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks[self.first..]
            .iter()
            .flat_map(|chunk| chunk.items().iter())
            .skip(self.head)
    }

    /// What copying it costs: the list of chunks, not their entries.
    pub fn shell_bytes(&self) -> usize {
        self.chunks.len() * std::mem::size_of::<C>()
    }

    /// Bytes of entries this copy holds in chunks that `other` does not share.
    pub fn bytes_apart_from(&self, other: &ChunkedDeque<T, C>) -> usize {
        // Shared chunks sit in the same order in both lists: walk them together.
        let theirs = &other.chunks[other.first..];
        let mut at = 0;
        let mut apart = 0;
        for chunk in &self.chunks[self.first..] {
            match theirs[at..].iter().position(|c| chunk.shared_with(c)) {
                Some(found) => at += found + 1,
                None => apart += std::mem::size_of_val(&chunk.items()[..]),
            }
        }
        apart
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

    #[test]
    fn behaves_as_a_deque_across_chunk_edges() {
        behaves_as_a_deque::<Vec<u64>>();
        behaves_as_a_deque::<Arc<Vec<u64>>>();
    }

    fn behaves_as_a_deque<C: Chunk<u64> + std::fmt::Debug>() {
        let mut deque = ChunkedDeque::<u64, C>::default();
        let mut model = VecDeque::new();
        let mut next = 0u64;
        // Grow past several chunks, drain most, grow again: every step compared to VecDeque.
        let phases = [
            (10_000, 3),
            (1, 9_000),
            (5_000, 0),
            (0, 6_000),
            (3, 3),
            (400_000, 399_000),
            (9_000, 5_000),
        ];
        for (pushes, pops) in phases {
            for _ in 0..pushes {
                deque.push_back(next);
                model.push_back(next);
                next += 1;
            }
            for _ in 0..pops {
                assert_eq!(deque.pop_front(), model.pop_front().is_some());
            }
            assert_eq!(deque.len(), model.len());
            assert_eq!(deque.front(), model.front());
            for index in [
                0,
                1,
                C::LEN - 1,
                C::LEN,
                model.len().saturating_sub(1),
                model.len(),
            ] {
                assert_eq!(deque.get(index), model.get(index), "index {index}");
            }
            assert!(deque.iter().eq(model.iter()));
        }
        for value in 0..C::LEN as u64 + 2 {
            deque.push_back(value);
        }
        if let Some(value) = deque.get_mut(1) {
            *value = 7;
        }
        assert_eq!(deque.get(1), Some(&7));
        while deque.pop_front() {}
        assert!(deque.is_empty() && deque.chunks.is_empty());
    }

    /// A copy shares every chunk until one side writes to one: then only that chunk is copied,
    /// and the other side does not see the change.
    #[test]
    fn copies_share_chunks_until_written() {
        const CHUNK: usize = <Arc<Vec<u64>> as Chunk<u64>>::LEN;
        let mut deque = SharedChunkedDeque::default();
        for value in 0..3 * CHUNK as u64 {
            deque.push_back(value);
        }
        let copy = deque.clone();
        assert_eq!(copy.bytes_apart_from(&deque), 0);
        if let Some(value) = deque.get_mut(CHUNK + 5) {
            *value = 0;
        }
        deque.push_back(1);
        assert_eq!(copy.get(CHUNK + 5), Some(&(CHUNK as u64 + 5)));
        assert_eq!(deque.get(CHUNK + 5), Some(&0));
        assert_eq!(copy.len() + 1, deque.len());
        // The written chunk is now the copy's own; the pushed one went into a new chunk.
        assert_eq!(copy.bytes_apart_from(&deque), CHUNK * 8);
        assert_eq!(deque.bytes_apart_from(&copy), CHUNK * 8 + 8);
    }
}
