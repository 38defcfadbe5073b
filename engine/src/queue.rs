//! The event queue: an 8-ary min-heap ordered by `(time, seq)`. `seq` is an insertion counter, so
//! events at the same time pop in the order they were scheduled, on every platform.

use crate::time::SimTime;

/// Children per node. A wide heap is shallower than a binary one and its children sit next to
/// each other in memory, which matters on the hot path: every simulated event goes through here.
const ARITY: usize = 8;

#[derive(Clone, Copy)]
struct Entry<E> {
    time: SimTime,
    seq: u64,
    event: E,
}

impl<E> Entry<E> {
    #[inline]
    fn before(&self, other: &Entry<E>) -> bool {
        self.time < other.time || (self.time == other.time && self.seq < other.seq)
    }
}

/// Pending events of one simulation, earliest first.
#[derive(Clone)]
pub struct EventQueue<E> {
    heap: Vec<Entry<E>>,
    next_seq: u64,
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            next_seq: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let entry = Entry {
            time,
            seq: self.next_seq,
            event,
        };
        self.next_seq += 1;
        let mut hole = self.heap.len();
        self.heap.push(entry);
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if !entry.before(&self.heap[parent]) {
                break;
            }
            self.heap[hole] = self.heap[parent];
            hole = parent;
        }
        self.heap[hole] = entry;
    }

    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.first().map(|entry| entry.time)
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let last = self.heap.pop()?;
        let Some(&top) = self.heap.first() else {
            return Some((last.time, last.event));
        };
        let len = self.heap.len();
        let mut hole = 0;
        loop {
            let first = hole * ARITY + 1;
            if first >= len {
                break;
            }
            let mut best = first;
            for child in first + 1..(first + ARITY).min(len) {
                if self.heap[child].before(&self.heap[best]) {
                    best = child;
                }
            }
            if !self.heap[best].before(&last) {
                break;
            }
            self.heap[hole] = self.heap[best];
            hole = best;
        }
        self.heap[hole] = last;
        Some((top.time, top.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Pending events in no particular (but deterministic) order.
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.heap.iter().map(|entry| (entry.time, &entry.event))
    }
}

impl<E: Copy> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_times_pop_in_insertion_order() {
        let mut queue = EventQueue::new();
        queue.push(SimTime(5), 'c');
        queue.push(SimTime(1), 'a');
        queue.push(SimTime(5), 'd');
        queue.push(SimTime(1), 'b');
        let order: Vec<char> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
    }

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut queue = EventQueue::new();
        let mut state = 12_345u64;
        let mut expected = Vec::new();
        for seq in 0..2_000u64 {
            state = crate::rng::splitmix64(state);
            let time = state % 300;
            queue.push(SimTime(time), seq);
            expected.push((time, seq));
            if seq % 3 == 0 {
                expected.sort();
                let (t, s) = expected.remove(0);
                assert_eq!(queue.pop(), Some((SimTime(t), s)));
            }
        }
        expected.sort();
        let rest: Vec<(u64, u64)> =
            std::iter::from_fn(|| queue.pop().map(|(t, e)| (t.0, e))).collect();
        assert_eq!(rest, expected);
    }
}
