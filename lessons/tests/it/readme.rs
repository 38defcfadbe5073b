//! The worked example in README.md is a real, winnable lesson.

use engine::Comparison;

fn example() -> String {
    let readme = include_str!("../../README.md");
    let start = readme
        .find("## Worked example")
        .and_then(|at| {
            readme[at..]
                .find("```toml\n")
                .map(|block| at + block + "```toml\n".len())
        })
        .expect("README has a worked example in a toml block");
    let end = readme[start..]
        .find("```")
        .expect("the example block is closed");
    readme[start..start + end].to_string()
}

#[test]
fn the_worked_example_parses_and_its_goal_is_winnable() {
    let lesson = match lessons::parse_lesson("README.md example", &example()) {
        Ok(lesson) => lesson,
        Err(problems) => panic!(
            "README example is invalid:\n{}",
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    };
    let step = &lesson.steps[1];
    let goal = step
        .goal
        .as_ref()
        .expect("the example's second step has a goal");
    let idle = Comparison::replay(&step.scenario, lesson.seed, &[], step.check_at);
    assert!(
        !goal.evaluate(&idle, step.check_at).met,
        "README example: goal met without actions"
    );
    let solved = Comparison::replay(&step.scenario, lesson.seed, &step.solution, step.check_at);
    let status = goal.evaluate(&solved, step.check_at);
    assert!(status.met, "README example: solution fails: {status:#?}");
}
