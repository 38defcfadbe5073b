//! A double-ended queue stored in fixed-size chunks, for the two collections that can grow to
//! millions of entries in a backed-up run (live orders, a partition's log). A `VecDeque` that
//! doubles copies everything it holds at once: a hundred megabytes in one step, hundreds of
//! milliseconds in a browser tab. Here growing allocates one more chunk, and what is held
//! never moves.

use std::collections::VecDeque;

/// Entries per chunk.
const CHUNK: usize = 4_096;

#[derive(Clone, Debug)]
pub struct ChunkedDeque<T> {
    /// Every chunk but the last is full; the first has `head` entries already taken.
    chunks: VecDeque<Vec<T>>,
    head: usize,
    len: usize,
}

impl<T> Default for ChunkedDeque<T> {
    fn default() -> Self {
        ChunkedDeque {
            chunks: VecDeque::new(),
            head: 0,
            len: 0,
        }
    }
}

impl<T> ChunkedDeque<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push_back(&mut self, value: T) {
        if self.chunks.back().is_none_or(|chunk| chunk.len() == CHUNK) {
            self.chunks.push_back(Vec::with_capacity(CHUNK));
        }
        if let Some(last) = self.chunks.back_mut() {
            last.push(value);
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
        if self.head == CHUNK || self.len == 0 {
            // The first chunk is used up (or everything is): start afresh.
            if self.len == 0 {
                self.chunks.clear();
            } else {
                self.chunks.pop_front();
            }
            self.head = 0;
        }
        true
    }

    fn locate(&self, index: usize) -> Option<(usize, usize)> {
        (index < self.len).then(|| {
            let at = self.head + index;
            (at / CHUNK, at % CHUNK)
        })
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        let (chunk, offset) = self.locate(index)?;
        self.chunks.get(chunk)?.get(offset)
    }

    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let (chunk, offset) = self.locate(index)?;
        self.chunks.get_mut(chunk)?.get_mut(offset)
    }

    pub fn front(&self) -> Option<&T> {
        self.get(0)
    }

    /// Entries from first to last.
    pub fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.chunks.iter().flatten().skip(self.head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_as_a_deque_across_chunk_edges() {
        let mut deque = ChunkedDeque::default();
        let mut model = VecDeque::new();
        let mut next = 0u64;
        // Grow past several chunks, drain most, grow again: every step compared to VecDeque.
        for (pushes, pops) in [(10_000, 3), (1, 9_000), (5_000, 0), (0, 6_000), (3, 3)] {
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
                CHUNK - 1,
                CHUNK,
                model.len().saturating_sub(1),
                model.len(),
            ] {
                assert_eq!(deque.get(index), model.get(index), "index {index}");
            }
            assert!(deque.iter().eq(model.iter()));
        }
        for value in 0..CHUNK as u64 + 2 {
            deque.push_back(value);
        }
        if let Some(value) = deque.get_mut(1) {
            *value = 7;
        }
        assert_eq!(deque.get(1), Some(&7));
        while deque.pop_front() {}
        assert!(deque.is_empty() && deque.chunks.is_empty());
    }
}
