//! The guided curriculum. Lesson files, their loader and goal checks arrive with the lessons
//! work; until then this crate holds the planned outline the lesson list shows.

/// One planned lesson: the idea it teaches, in a sentence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outline {
    pub id: &'static str,
    pub title: &'static str,
    pub idea: &'static str,
}

/// The curriculum, in teaching order.
pub const CURRICULUM: [Outline; 11] = [
    Outline { id: "the-chain", title: "The chain", idea: "Every synchronous hop adds its own wait to what the customer sees." },
    Outline { id: "one-slow-service", title: "One slow service", idea: "A single sluggish service ties up workers upstream; timeouts and retries pile on more load." },
    Outline { id: "announce-dont-ask", title: "Announce, don't ask", idea: "The same shop publishing events: the customer's wait no longer depends on the slowest service." },
    Outline { id: "absorbing-a-spike", title: "Absorbing a spike", idea: "Five times the traffic: one design turns customers away, the other queues the work in its log and catches up." },
    Outline { id: "outage-without-cascade", title: "An outage without a cascade", idea: "With Payment down, synchronous orders fail while event-driven orders simply wait." },
    Outline { id: "eventually-consistent", title: "Eventually consistent", idea: "Follow one order through every service and measure how long they disagree." },
    Outline { id: "delivered-twice", title: "Delivered twice", idea: "A crash between charging and committing charges the customer twice — until Payment is idempotent." },
    Outline { id: "falling-behind", title: "Falling behind", idea: "Consumer lag, adding consumers, and why partitions cap how far that helps." },
    Outline { id: "out-of-order", title: "Out of order", idea: "A cancellation that overtakes its order: keys, partitions and version checks." },
    Outline { id: "choreography", title: "Choreography", idea: "Add fraud checks and analytics without touching the order service, then trace one order end to end." },
    Outline { id: "complexity-moved", title: "Complexity moved, not removed", idea: "Every fault at once: meet the targets with every lever you have learned." },
];

pub fn outline(id: &str) -> Option<&'static Outline> {
    CURRICULUM.iter().find(|lesson| lesson.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_ids_are_unique_url_slugs() {
        for (index, lesson) in CURRICULUM.iter().enumerate() {
            assert!(lesson.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'), "{}", lesson.id);
            assert!(CURRICULUM[..index].iter().all(|earlier| earlier.id != lesson.id), "duplicate id {}", lesson.id);
            assert_eq!(outline(lesson.id), Some(lesson));
        }
        assert_eq!(outline("no-such-lesson"), None);
    }
}
