//! The event queue: a 4-ary min-heap ordered by `(time, seq)`. `seq` is an insertion counter, so
//! events at the same time pop in the order they were scheduled, on every platform.

use crate::time::SimTime;

/// Children per node. A wider heap is shallower than a binary one; the keys of a node's
/// children sit side by side, apart from the events, so finding the least of them reads one
/// cache line and picks without branches.
const ARITY: usize = 4;

/// The time in the high 64 bits, the insertion counter in the low: one comparison orders by
/// both.
#[inline(always)]
fn key(time: SimTime, seq: u64) -> u128 {
    (u128::from(time.as_micros()) << 64) | u128::from(seq)
}

#[inline(always)]
fn time_of(key: u128) -> SimTime {
    SimTime((key >> 64) as u64)
}

/// Pending events of one simulation, earliest first.
#[derive(Clone)]
pub struct EventQueue<E> {
    keys: Vec<u128>,
    events: Vec<E>,
    next_seq: u64,
}

impl<E: Copy> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue {
            keys: Vec::with_capacity(1024),
            events: Vec::with_capacity(1024),
            next_seq: 0,
        }
    }

    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let entry = key(time, self.next_seq);
        self.next_seq += 1;
        let mut hole = self.keys.len();
        self.keys.push(entry);
        self.events.push(event);
        while hole > 0 {
            let parent = (hole - 1) / ARITY;
            if entry >= self.keys[parent] {
                break;
            }
            self.keys[hole] = self.keys[parent];
            self.events[hole] = self.events[parent];
            hole = parent;
        }
        self.keys[hole] = entry;
        self.events[hole] = event;
    }

    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.keys.first().map(|&k| time_of(k))
    }

    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let last_key = self.keys.pop()?;
        let last_event = self.events.pop()?;
        let (Some(&top_key), Some(&top_event)) = (self.keys.first(), self.events.first()) else {
            return Some((time_of(last_key), last_event));
        };
        let len = self.keys.len();
        let mut hole = 0;
        loop {
            let first = hole * ARITY + 1;
            if first >= len {
                break;
            }
            let end = (first + ARITY).min(len);
            let mut best = first;
            let mut best_key = self.keys[first];
            for child in first + 1..end {
                let candidate = self.keys[child];
                let less = candidate < best_key;
                best = if less { child } else { best };
                best_key = if less { candidate } else { best_key };
            }
            if best_key >= last_key {
                break;
            }
            self.keys[hole] = best_key;
            self.events[hole] = self.events[best];
            hole = best;
        }
        self.keys[hole] = last_key;
        self.events[hole] = last_event;
        Some((time_of(top_key), top_event))
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Pending events in no particular (but deterministic) order.
    pub fn iter(&self) -> impl Iterator<Item = (SimTime, &E)> {
        self.keys
            .iter()
            .zip(&self.events)
            .map(|(&k, event)| (time_of(k), event))
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
