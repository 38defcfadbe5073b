//! Scenario validation: collects every problem with the path of its field. Limits keep all later
//! arithmetic far from overflow and keep a run's memory and event count sane.

use crate::control::{ControlAction, RecordedAction};
use crate::fault::{Fault, FaultKind};
use crate::limits::{
    MAX_DURATION_S, MAX_FAULTS, MAX_MS, MAX_PARTITIONS, MAX_QUEUE, MAX_RATE_PER_S, MAX_WORKERS,
};
use crate::scenario::{Problem, Scenario, ScenarioError, ServiceConfig, ServiceId, ServiceTime};
use crate::work::{self, Budget, Work};

// Reading and checking a scenario live here, above the plain types of `scenario`.
impl Scenario {
    /// Parses and validates, within the browser's work budget. A syntax or type error is
    /// reported with its line and column.
    // `#[inline]` here and below: the serde code these instantiate is compiled in the crate
    // that calls them, for size in the page, rather than in the engine, which is built for
    // speed.
    #[inline]
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_json_within(text, &Budget::BROWSER)
    }

    /// Parses and validates, refusing a run that asks for more work than `budget`.
    #[inline]
    pub fn from_json_within(text: &str, budget: &Budget) -> Result<Scenario, ScenarioError> {
        let scenario: Scenario = serde_json::from_str(text).map_err(|error| {
            let location = format!(" at line {} column {}", error.line(), error.column());
            let message = error.to_string();
            let message = message
                .strip_suffix(&location)
                .unwrap_or(&message)
                .to_string();
            ScenarioError {
                problems: vec![Problem::new(
                    format!("line {} column {}", error.line(), error.column()),
                    message,
                )],
            }
        })?;
        scenario
            .validate_within(budget)
            .map_err(|problems| ScenarioError { problems })?;
        Ok(scenario)
    }

    /// The scenario as an indented file. Written compact and indented by [`crate::json`], so
    /// links and files share one serializer.
    #[inline]
    pub fn to_json(&self) -> String {
        crate::json::pretty(&serde_json::to_string(self).unwrap_or_default())
    }

    /// Every problem, not just the first, so an author can fix a file in one pass; a valid
    /// scenario must also fit the browser's work budget ([`Budget::BROWSER`]).
    pub fn validate(&self) -> Result<(), Vec<Problem>> {
        self.validate_within(&Budget::BROWSER)
    }

    /// Like [`Scenario::validate`], with another work budget (the command line's
    /// `--max-orders`).
    pub fn validate_within(&self, budget: &Budget) -> Result<(), Vec<Problem>> {
        check_run(self, &[], budget).map(|_| ())
    }
}

struct Collector {
    problems: Vec<Problem>,
}

impl Collector {
    fn push(&mut self, path: &str, message: impl Into<String>) {
        self.problems.push(Problem::new(path, message));
    }

    fn number(&mut self, path: &str, value: f64, min: f64, max: f64) {
        if !value.is_finite() {
            self.push(path, "must be a finite number");
        } else if value < min {
            self.push(path, format!("must be at least {min}"));
        } else if value > max {
            self.push(path, format!("must be at most {max}"));
        }
    }

    fn positive(&mut self, path: &str, value: f64, max: f64) {
        if value.is_finite() && value <= 0.0 {
            self.push(path, "must be greater than 0");
        } else {
            self.number(path, value, 0.0, max);
        }
    }

    fn count(&mut self, path: &str, value: u32, min: u32, max: u32) {
        if value < min {
            self.push(path, format!("must be at least {min}"));
        } else if value > max {
            self.push(path, format!("must be at most {max}"));
        }
    }
}

/// Checks a whole run: the scenario, the recorded actions a link or a log carries, and the
/// work they ask for together. The budget is checked only once everything else is valid, so
/// its estimate reads sane numbers.
pub fn check_run(
    scenario: &Scenario,
    actions: &[RecordedAction],
    budget: &Budget,
) -> Result<Work, Vec<Problem>> {
    let mut problems = problems(scenario);
    problems.extend(action_problems(scenario, actions));
    if !problems.is_empty() {
        return Err(problems);
    }
    work::check(scenario, actions, budget).map_err(|problem| vec![problem])
}

/// Problems of recorded actions, with paths such as `actions[2].fault.multiplier`.
fn action_problems(scenario: &Scenario, actions: &[RecordedAction]) -> Vec<Problem> {
    let mut c = Collector {
        problems: Vec::new(),
    };
    let end = crate::time::SimTime::from_secs_f64(MAX_DURATION_S);
    // Each action is checked against the shop as the earlier ones left it (a service that
    // joined, partitions that were added).
    let mut state = scenario.clone();
    for (index, recorded) in actions.iter().enumerate() {
        let path = format!("actions[{index}]");
        if recorded.at > end {
            c.push(&format!("{path}.at"), "is later than any run lasts");
        }
        match &recorded.action {
            ControlAction::InjectFault { fault } => {
                check_fault(&mut c, &format!("{path}.fault"), fault, &state)
            }
            ControlAction::SetArrivalRate { per_s } => {
                c.number(&format!("{path}.per_s"), *per_s, 0.0, MAX_RATE_PER_S)
            }
            _ => {}
        }
        recorded.action.apply_to(&mut state);
    }
    c.problems
}

/// Problems of one fault, with paths from the fault (`multiplier`, `end_s`), for a form that
/// builds one fault at a time.
pub fn fault_problems(fault: &Fault, scenario: &Scenario) -> Vec<Problem> {
    let mut c = Collector {
        problems: Vec::new(),
    };
    check_fault(&mut c, "", fault, scenario);
    for problem in &mut c.problems {
        problem.path = problem.path.trim_start_matches('.').to_string();
    }
    c.problems
}

pub(crate) fn problems(scenario: &Scenario) -> Vec<Problem> {
    let mut c = Collector {
        problems: Vec::new(),
    };
    c.positive("duration_s", scenario.duration_s, MAX_DURATION_S);
    workload(&mut c, scenario);
    if !scenario.services.contains_key(&ServiceId::Order) {
        c.push(
            "services.order",
            "is required: every order enters through it",
        );
    }
    for (id, config) in &scenario.services {
        service(&mut c, &format!("services.{id}"), config);
    }
    sync(&mut c, scenario);
    event(&mut c, scenario);
    if scenario.faults.len() > MAX_FAULTS {
        c.push("faults", format!("at most {MAX_FAULTS} faults"));
    }
    for (index, fault) in scenario.faults.iter().enumerate() {
        check_fault(&mut c, &format!("faults[{index}]"), fault, scenario);
    }
    c.positive("metrics.bucket_ms", scenario.metrics.bucket_ms, MAX_MS);
    if scenario.metrics.bucket_ms.is_finite()
        && scenario.metrics.bucket_ms > 0.0
        && scenario.metrics.bucket_ms < 1.0
    {
        c.push("metrics.bucket_ms", "must be at least 1");
    }
    c.count("trace.max_traces", scenario.trace.max_traces, 0, 100_000);
    if scenario.trace.pinned.len() > 10_000 {
        c.push("trace.pinned", "at most 10000 pinned orders");
    }
    c.problems
}

fn workload(c: &mut Collector, scenario: &Scenario) {
    let w = &scenario.workload;
    c.number(
        "workload.arrival_rate_per_s",
        w.arrival_rate_per_s,
        0.0,
        MAX_RATE_PER_S,
    );
    c.number("workload.cancel_share", w.cancel_share, 0.0, 1.0);
    c.number("workload.decline_share", w.decline_share, 0.0, 1.0);
    c.number(
        "workload.out_of_stock_share",
        w.out_of_stock_share,
        0.0,
        1.0,
    );
    c.number("workload.cancel_delay_ms", w.cancel_delay_ms, 0.0, MAX_MS);
    c.count("workload.customers", w.customers, 1, 100_000_000);
    c.number("workload.amount_min", w.amount_min, 0.0, 1e9);
    c.number("workload.amount_max", w.amount_max, 0.0, 1e9);
    if w.amount_max < w.amount_min {
        c.push("workload.amount_max", "must be at least amount_min");
    }
    c.count("workload.items_max", w.items_max, 1, 1_000);
}

fn service(c: &mut Collector, path: &str, config: &ServiceConfig) {
    c.count(&format!("{path}.workers"), config.workers, 1, MAX_WORKERS);
    c.count(
        &format!("{path}.queue_capacity"),
        config.queue_capacity,
        0,
        MAX_QUEUE,
    );
    if let Some(consumers) = config.consumers {
        c.count(&format!("{path}.consumers"), consumers, 1, MAX_PARTITIONS);
    }
    let path = format!("{path}.service_time");
    match config.service_time {
        ServiceTime::Exponential { mean_ms } => {
            c.positive(&format!("{path}.mean_ms"), mean_ms, MAX_MS)
        }
        ServiceTime::Fixed { ms } => c.number(&format!("{path}.ms"), ms, 0.0, MAX_MS),
        ServiceTime::Lognormal { median_ms, p99_ms } => {
            c.positive(&format!("{path}.median_ms"), median_ms, MAX_MS);
            c.positive(&format!("{path}.p99_ms"), p99_ms, MAX_MS);
            if p99_ms < median_ms {
                c.push(&format!("{path}.p99_ms"), "must be at least median_ms");
            }
        }
    }
}

fn sync(c: &mut Collector, scenario: &Scenario) {
    let s = &scenario.sync;
    c.number("sync.hop_latency_ms", s.hop_latency_ms, 0.0, MAX_MS);
    if let Some(timeout) = s.timeout_ms {
        c.positive("sync.timeout_ms", timeout, MAX_MS);
    }
    if let Some(timeout) = s.gateway_timeout_ms {
        c.positive("sync.gateway_timeout_ms", timeout, MAX_MS);
    }
    c.count("sync.retries.attempts", s.retries.attempts, 0, 20);
    c.number("sync.retries.backoff_ms", s.retries.backoff_ms, 0.0, MAX_MS);
    c.number("sync.retries.multiplier", s.retries.multiplier, 1.0, 10.0);
    c.number("sync.retries.jitter", s.retries.jitter, 0.0, 1.0);
    if let Some(breaker) = &s.circuit_breaker {
        c.count(
            "sync.circuit_breaker.failure_threshold",
            breaker.failure_threshold,
            1,
            1_000_000,
        );
        c.positive("sync.circuit_breaker.open_ms", breaker.open_ms, MAX_MS);
    }
    if let Some(limit) = s.bulkhead {
        c.count("sync.bulkhead", limit, 1, MAX_QUEUE);
    }
}

fn event(c: &mut Collector, scenario: &Scenario) {
    let e = &scenario.event;
    c.count("event.partitions", e.partitions, 1, MAX_PARTITIONS);
    c.positive("event.commit_interval_ms", e.commit_interval_ms, MAX_MS);
    c.count("event.batch_size", e.batch_size, 1, 10_000);
    c.number("event.broker_latency_ms", e.broker_latency_ms, 0.0, MAX_MS);
    c.positive("event.session_timeout_ms", e.session_timeout_ms, MAX_MS);
    c.number("event.rebalance_ms", e.rebalance_ms, 0.0, MAX_MS);
    c.number("event.retry_backoff_ms", e.retry_backoff_ms, 0.0, MAX_MS);
    if e.retry_backoff_ms.is_finite() && e.retry_backoff_ms < 1.0 && e.dead_letter_after.is_none() {
        c.push(
            "event.retry_backoff_ms",
            "must be at least 1 when a poison event can block a partition",
        );
    }
    if let Some(after) = e.dead_letter_after {
        c.count("event.dead_letter_after", after, 1, 1_000);
    }
    c.positive("event.retention_s", e.retention_s, MAX_DURATION_S);
    c.positive("event.delivery_timeout_ms", e.delivery_timeout_ms, MAX_MS);
    c.positive("event.outbox_relay_ms", e.outbox_relay_ms, MAX_MS);
}

/// Which optional parameters each kind takes, and which of them it needs.
fn parameters(kind: FaultKind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        FaultKind::Outage => (&["mode"], &[]),
        FaultKind::Slowdown => (&["factor", "extra_latency_ms"], &[]),
        FaultKind::ErrorRate => (&["probability"], &["probability"]),
        FaultKind::TrafficSpike => (&["multiplier"], &["multiplier"]),
        FaultKind::DuplicateDelivery => (&["probability"], &["probability"]),
        FaultKind::Reordering => (&["jitter_ms"], &[]),
        FaultKind::ConsumerCrash => (&["restart_after_ms"], &[]),
        FaultKind::PartitionUnavailable => (&["partition"], &["partition"]),
        FaultKind::PoisonEvent => (&["probability"], &["probability"]),
    }
}

fn needs_target(kind: FaultKind) -> bool {
    !matches!(
        kind,
        FaultKind::TrafficSpike | FaultKind::PartitionUnavailable | FaultKind::Reordering
    )
}

fn check_fault(c: &mut Collector, path: &str, fault: &Fault, scenario: &Scenario) {
    match fault.target {
        None if needs_target(fault.kind) => {
            c.push(&format!("{path}.target"), "is required for this kind")
        }
        Some(target) if !scenario.services.contains_key(&target) => c.push(
            &format!("{path}.target"),
            format!("names {target}, which is not in services"),
        ),
        Some(_)
            if fault.kind == FaultKind::TrafficSpike
                || fault.kind == FaultKind::PartitionUnavailable =>
        {
            c.push(&format!("{path}.target"), "does not apply to this kind")
        }
        _ => {}
    }
    c.number(
        &format!("{path}.start_s"),
        fault.start_s,
        0.0,
        MAX_DURATION_S,
    );
    if let Some(end) = fault.end_s {
        c.number(&format!("{path}.end_s"), end, 0.0, MAX_DURATION_S);
        if end < fault.start_s {
            c.push(&format!("{path}.end_s"), "must not be before start_s");
        }
    }
    let (allowed, required) = parameters(fault.kind);
    let present = present_parameters(fault);
    for (name, _) in present.iter().filter(|(name, _)| !allowed.contains(name)) {
        c.push(&format!("{path}.{name}"), "does not apply to this kind");
    }
    for name in required
        .iter()
        .filter(|name| !present.iter().any(|(p, _)| p == *name))
    {
        c.push(&format!("{path}.{name}"), "is required for this kind");
    }
    for (name, value) in present {
        let limit = match name {
            "probability" => (0.0, 1.0),
            "factor" => (0.0, 1_000.0),
            "multiplier" => (0.0, 100.0),
            "partition" => (0.0, (MAX_PARTITIONS - 1) as f64),
            _ => (0.0, MAX_MS),
        };
        if let Some(value) = value {
            c.number(&format!("{path}.{name}"), value, limit.0, limit.1);
        }
    }
    if let Some(partition) = fault.partition
        && partition >= scenario.event.partitions
        && partition < MAX_PARTITIONS
    {
        c.push(
            &format!("{path}.partition"),
            format!(
                "must be below event.partitions ({})",
                scenario.event.partitions
            ),
        );
    }
}

fn present_parameters(fault: &Fault) -> Vec<(&'static str, Option<f64>)> {
    let mut present = Vec::new();
    if fault.mode.is_some() {
        present.push(("mode", None));
    }
    let numbers = [
        ("factor", fault.factor),
        ("extra_latency_ms", fault.extra_latency_ms),
        ("probability", fault.probability),
        ("multiplier", fault.multiplier),
        ("jitter_ms", fault.jitter_ms),
        ("restart_after_ms", fault.restart_after_ms),
        ("partition", fault.partition.map(f64::from)),
    ];
    present.extend(numbers.into_iter().filter(|(_, value)| value.is_some()));
    present
}

#[cfg(test)]
mod tests {
    use crate::scenario::Scenario;

    fn check(json: &str, expected: &[&str]) {
        let problems = match Scenario::from_json(json) {
            Ok(_) => Vec::new(),
            Err(error) => error.problems.iter().map(|p| p.to_string()).collect(),
        };
        for want in expected {
            assert!(
                problems.iter().any(|p| p.contains(want)),
                "missing {want:?} in {problems:#?}"
            );
        }
        if expected.is_empty() {
            assert!(problems.is_empty(), "{problems:#?}");
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        check(
            r#"{"services": {"order": {}, "payment": {"workers": 0}}, "duration_s": -1,
                "faults": [{"kind": "error_rate", "target": "shipping"}]}"#,
            &[
                "services.payment.workers: must be at least 1",
                "duration_s: must be greater than 0",
                "faults[0].target: names shipping, which is not in services",
                "faults[0].probability: is required for this kind",
            ],
        );
    }

    #[test]
    fn syntax_errors_carry_line_and_column() {
        check(
            "{\n  \"duration_s\": 10,\n  \"bogus\": 1\n}",
            &["line 3 column", "unknown field `bogus`"],
        );
    }

    #[test]
    fn defaults_are_valid() {
        check("{}", &[]);
    }
}
