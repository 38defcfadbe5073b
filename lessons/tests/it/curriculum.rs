//! Every lesson file present validates, and every goal is neither already won nor unwinnable.

use crate::util::content_files;
use engine::Comparison;
use lessons::{Lesson, parse_lesson};

/// Every lesson file, parsed; panics listing the problems of every invalid file at once.
fn parsed() -> Vec<(String, Lesson)> {
    let mut lessons = Vec::new();
    let mut invalid = Vec::new();
    for (name, text) in content_files() {
        match parse_lesson(&name, &text) {
            Ok(lesson) => lessons.push((name, lesson)),
            Err(problems) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                invalid.push(format!("{name} is invalid:\n{}", list.join("\n")));
            }
        }
    }
    assert!(invalid.is_empty(), "{}", invalid.join("\n\n"));
    lessons
}

#[test]
fn every_file_validates_and_is_bundled_in_order() {
    let files = parsed();
    let bundled = lessons::bundled();
    let names: Vec<&str> = lessons::bundled_sources()
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let on_disk: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names, on_disk,
        "bundled files differ from content/ (rebuild picks up new files)"
    );
    for ((name, lesson), bundled) in files.iter().zip(&bundled) {
        assert_eq!(lesson, bundled, "{name}");
    }
    let mut ids: Vec<&str> = files.iter().map(|(_, lesson)| lesson.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), files.len(), "lesson ids must be unique");
}

#[test]
fn curriculum_lessons_have_steps_predictions_and_goals() {
    for (name, lesson) in parsed() {
        assert!(
            lesson.steps.len() >= 3,
            "{name}: {} steps, needs at least 3",
            lesson.steps.len()
        );
        assert!(
            lesson.steps.iter().any(|step| step.prediction.is_some()),
            "{name}: needs at least one prediction"
        );
        assert!(
            lesson.steps.iter().any(|step| step.goal.is_some()),
            "{name}: needs at least one goal"
        );
        assert!(
            lessons::outline(&lesson.id).is_some(),
            "{name}: `{}` is not in the curriculum outline",
            lesson.id
        );
    }
}

#[test]
fn the_first_four_lessons_are_in_curriculum_order() {
    let ids: Vec<String> = content_files()
        .into_iter()
        .filter_map(|(name, text)| parse_lesson(&name, &text).ok())
        .map(|lesson| lesson.id)
        .collect();
    let expected = [
        "the-chain",
        "one-slow-service",
        "announce-dont-ask",
        "absorbing-a-spike",
    ];
    for (position, id) in expected.iter().enumerate() {
        if let Some(found) = ids.iter().position(|x| x == id) {
            assert_eq!(found, position, "{id} should be lesson {}", position + 1);
        }
    }
}

/// Seeds besides the lesson's own on which every goal must behave the same: a threshold that
/// holds only for one particular sequence of random draws is a lesson that breaks when the
/// learner (or the engine) changes anything at all.
const OTHER_SEEDS: [u64; 3] = [1, 2, 3];

/// No goal may be met by just running the step, and every reference solution must meet it, on
/// the lesson's seed and on others.
#[test]
fn every_goal_is_winnable_and_not_already_won() {
    for (name, lesson) in parsed() {
        for (index, step) in lesson.steps.iter().enumerate() {
            let Some(goal) = &step.goal else { continue };
            for seed in std::iter::once(lesson.seed).chain(OTHER_SEEDS) {
                let place = format!(
                    "{name} step {} (\"{}\"), seed {seed}",
                    index + 1,
                    step.title
                );
                let idle = Comparison::replay(&step.scenario, seed, &[], step.check_at);
                let status = goal.evaluate(&idle);
                assert!(
                    !status.met,
                    "{place}: the goal is already met without any action at {}:\n{}",
                    step.check_at,
                    lines(&status)
                );
                let solved =
                    Comparison::replay(&step.scenario, seed, &step.solution, step.check_at);
                let status = goal.evaluate(&solved);
                assert!(
                    status.met,
                    "{place}: the reference solution does not meet the goal at {}:\n{}",
                    step.check_at,
                    lines(&status)
                );
            }
        }
    }
}

fn lines(status: &lessons::GoalStatus) -> String {
    status
        .checks
        .iter()
        .map(|check| format!("  [{}] {}", if check.met { "x" } else { " " }, check.text))
        .collect::<Vec<_>>()
        .join("\n")
}
