//! Live control actions are data: what a learner does to a running simulation, recorded with
//! the simulated time it was taken at, so every run can be replayed.

use crate::fault::Fault;
use crate::ids::ServiceId;
use crate::limits::{MAX_MS, MAX_PARTITIONS};
use crate::scenario::{
    CircuitBreaker, CommitPolicy, OffsetReset, PartitionKey, RetryPolicy, Scenario, SyncStyle,
};
use crate::time::SimTime;
use serde::{Deserialize, Serialize};

/// Something a learner does to a running simulation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "action",
    rename_all = "snake_case",
    deny_unknown_fields,
    try_from = "ActionFields"
)]
pub enum ControlAction {
    /// Starts a fault now; its `start_s`/`end_s` are offsets from now.
    InjectFault {
        fault: Fault,
    },
    /// Ends every active fault on `target` (all faults when `null`).
    Heal {
        target: Option<ServiceId>,
    },
    SetArrivalRate {
        per_s: f64,
    },
    SetConsumerIdempotency {
        enabled: bool,
    },
    SetIdempotentProducer {
        enabled: bool,
    },
    SetIdempotencyKeys {
        enabled: bool,
    },
    SetVersionChecks {
        enabled: bool,
    },
    /// Event design: Order stores each new order and its event in one transaction, and a relay
    /// publishes them (from now on; events already in the outbox are still published).
    SetOutbox {
        enabled: bool,
    },
    /// Where a consumer group that joins from now on starts reading: at the end of each log
    /// (`latest`) or at its oldest retained record (`earliest`, replaying history).
    SetOffsetReset {
        reset: OffsetReset,
    },
    SetPartitionKey {
        key: PartitionKey,
    },
    /// Partitions can only be added, as in Kafka; smaller counts are ignored.
    SetPartitionCount {
        partitions: u32,
    },
    SetConsumerCount {
        service: ServiceId,
        consumers: u32,
    },
    SetCommitPolicy {
        policy: CommitPolicy,
    },
    SetDeadLetter {
        after: Option<u32>,
    },
    SetTimeout {
        timeout_ms: Option<f64>,
    },
    SetRetries {
        retries: RetryPolicy,
    },
    SetCircuitBreaker {
        breaker: Option<CircuitBreaker>,
    },
    SetBulkhead {
        limit: Option<u32>,
    },
    SetSyncStyle {
        style: SyncStyle,
    },
    /// Keeps the full trace of this order.
    PinOrder {
        order: u64,
    },
    /// Starts a service the shop did not have, Fraud or Analytics, with default settings. The
    /// synchronous chain calls it for orders placed from now on (its callers had to change);
    /// the event-driven shop gains a consumer group that reads new records, and no producer
    /// changes. Other services, or one already running, are ignored.
    AddService {
        service: ServiceId,
    },
}

/// How a [`ControlAction`] is read: the tag and every variant's fields in one pass (see
/// `tagged`). Each field name means one thing in every action that has it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionFields {
    action: ActionKind,
    fault: Option<Fault>,
    target: Option<ServiceId>,
    per_s: Option<f64>,
    enabled: Option<bool>,
    key: Option<PartitionKey>,
    partitions: Option<u32>,
    service: Option<ServiceId>,
    consumers: Option<u32>,
    policy: Option<CommitPolicy>,
    after: Option<u32>,
    timeout_ms: Option<f64>,
    retries: Option<RetryPolicy>,
    breaker: Option<CircuitBreaker>,
    limit: Option<u32>,
    style: Option<SyncStyle>,
    order: Option<u64>,
    reset: Option<OffsetReset>,
}

#[derive(Clone, Copy)]
enum ActionKind {
    InjectFault,
    Heal,
    SetArrivalRate,
    SetConsumerIdempotency,
    SetIdempotentProducer,
    SetIdempotencyKeys,
    SetVersionChecks,
    SetOutbox,
    SetOffsetReset,
    SetPartitionKey,
    SetPartitionCount,
    SetConsumerCount,
    SetCommitPolicy,
    SetDeadLetter,
    SetTimeout,
    SetRetries,
    SetCircuitBreaker,
    SetBulkhead,
    SetSyncStyle,
    PinOrder,
    AddService,
}

crate::deserialize_by_name!(ActionKind { InjectFault => "inject_fault", Heal => "heal", SetArrivalRate => "set_arrival_rate", SetConsumerIdempotency => "set_consumer_idempotency", SetIdempotentProducer => "set_idempotent_producer", SetIdempotencyKeys => "set_idempotency_keys", SetVersionChecks => "set_version_checks", SetOutbox => "set_outbox", SetOffsetReset => "set_offset_reset", SetPartitionKey => "set_partition_key", SetPartitionCount => "set_partition_count", SetConsumerCount => "set_consumer_count", SetCommitPolicy => "set_commit_policy", SetDeadLetter => "set_dead_letter", SetTimeout => "set_timeout", SetRetries => "set_retries", SetCircuitBreaker => "set_circuit_breaker", SetBulkhead => "set_bulkhead", SetSyncStyle => "set_sync_style", PinOrder => "pin_order", AddService => "add_service" });

impl TryFrom<ActionFields> for ControlAction {
    type Error = serde::de::value::Error;

    fn try_from(f: ActionFields) -> Result<ControlAction, Self::Error> {
        use crate::tagged::{need, only};
        use ActionKind as K;
        use ControlAction as A;
        let present = [
            ("fault", f.fault.is_some()),
            ("target", f.target.is_some()),
            ("per_s", f.per_s.is_some()),
            ("enabled", f.enabled.is_some()),
            ("key", f.key.is_some()),
            ("partitions", f.partitions.is_some()),
            ("service", f.service.is_some()),
            ("consumers", f.consumers.is_some()),
            ("policy", f.policy.is_some()),
            ("after", f.after.is_some()),
            ("timeout_ms", f.timeout_ms.is_some()),
            ("retries", f.retries.is_some()),
            ("breaker", f.breaker.is_some()),
            ("limit", f.limit.is_some()),
            ("style", f.style.is_some()),
            ("order", f.order.is_some()),
            ("reset", f.reset.is_some()),
        ];
        let fields: &'static [&'static str] = match f.action {
            K::InjectFault => &["fault"],
            K::Heal => &["target"],
            K::SetArrivalRate => &["per_s"],
            K::SetConsumerIdempotency
            | K::SetIdempotentProducer
            | K::SetIdempotencyKeys
            | K::SetVersionChecks
            | K::SetOutbox => &["enabled"],
            K::SetOffsetReset => &["reset"],
            K::SetPartitionKey => &["key"],
            K::SetPartitionCount => &["partitions"],
            K::SetConsumerCount => &["service", "consumers"],
            K::SetCommitPolicy => &["policy"],
            K::SetDeadLetter => &["after"],
            K::SetTimeout => &["timeout_ms"],
            K::SetRetries => &["retries"],
            K::SetCircuitBreaker => &["breaker"],
            K::SetBulkhead => &["limit"],
            K::SetSyncStyle => &["style"],
            K::PinOrder => &["order"],
            K::AddService => &["service"],
        };
        only(&present, fields)?;
        let enabled = || need(f.enabled, "enabled");
        Ok(match f.action {
            K::InjectFault => A::InjectFault {
                fault: need(f.fault, "fault")?,
            },
            K::Heal => A::Heal { target: f.target },
            K::SetArrivalRate => A::SetArrivalRate {
                per_s: need(f.per_s, "per_s")?,
            },
            K::SetConsumerIdempotency => A::SetConsumerIdempotency {
                enabled: enabled()?,
            },
            K::SetIdempotentProducer => A::SetIdempotentProducer {
                enabled: enabled()?,
            },
            K::SetIdempotencyKeys => A::SetIdempotencyKeys {
                enabled: enabled()?,
            },
            K::SetVersionChecks => A::SetVersionChecks {
                enabled: enabled()?,
            },
            K::SetOutbox => A::SetOutbox {
                enabled: enabled()?,
            },
            K::SetOffsetReset => A::SetOffsetReset {
                reset: need(f.reset, "reset")?,
            },
            K::SetPartitionKey => A::SetPartitionKey {
                key: need(f.key, "key")?,
            },
            K::SetPartitionCount => A::SetPartitionCount {
                partitions: need(f.partitions, "partitions")?,
            },
            K::SetConsumerCount => A::SetConsumerCount {
                service: need(f.service, "service")?,
                consumers: need(f.consumers, "consumers")?,
            },
            K::SetCommitPolicy => A::SetCommitPolicy {
                policy: need(f.policy, "policy")?,
            },
            K::SetDeadLetter => A::SetDeadLetter { after: f.after },
            K::SetTimeout => A::SetTimeout {
                timeout_ms: f.timeout_ms,
            },
            K::SetRetries => A::SetRetries {
                retries: need(f.retries, "retries")?,
            },
            K::SetCircuitBreaker => A::SetCircuitBreaker { breaker: f.breaker },
            K::SetBulkhead => A::SetBulkhead { limit: f.limit },
            K::SetSyncStyle => A::SetSyncStyle {
                style: need(f.style, "style")?,
            },
            K::PinOrder => A::PinOrder {
                order: need(f.order, "order")?,
            },
            K::AddService => A::AddService {
                service: need(f.service, "service")?,
            },
        })
    }
}

impl ControlAction {
    /// Writes what the action changes into the scenario options the designs read: settings,
    /// the arrival rate and services joining. Faults, heals and pins change the run, not its
    /// options, and leave the scenario as it is. Out-of-range values are clamped here, the
    /// one place both designs and the work estimate take them from.
    pub fn apply_to(&self, scenario: &mut Scenario) {
        let action = self;
        let event = &mut scenario.event;
        let sync = &mut scenario.sync;
        match action {
            ControlAction::SetConsumerIdempotency { enabled } => {
                event.idempotent_consumers = *enabled
            }
            ControlAction::SetIdempotentProducer { enabled } => {
                event.idempotent_producer = *enabled
            }
            ControlAction::SetIdempotencyKeys { enabled } => sync.idempotency_keys = *enabled,
            ControlAction::SetVersionChecks { enabled } => event.version_checks = *enabled,
            ControlAction::SetOutbox { enabled } => event.outbox = *enabled,
            ControlAction::SetOffsetReset { reset } => event.auto_offset_reset = *reset,
            ControlAction::SetPartitionKey { key } => event.partition_key = *key,
            ControlAction::SetPartitionCount { partitions } => {
                event.partitions = event.partitions.max((*partitions).min(MAX_PARTITIONS));
            }
            ControlAction::SetConsumerCount { service, consumers } => {
                if let Some(config) = scenario.services.get_mut(service) {
                    config.consumers = Some((*consumers).clamp(1, MAX_PARTITIONS));
                }
            }
            ControlAction::SetCommitPolicy { policy } => event.commit = *policy,
            ControlAction::SetDeadLetter { after } => {
                event.dead_letter_after = after.map(|n| n.clamp(1, 1_000))
            }
            ControlAction::SetTimeout { timeout_ms } => {
                sync.timeout_ms = timeout_ms
                    .filter(|t| t.is_finite() && *t > 0.0)
                    .map(|t| t.min(MAX_MS));
            }
            ControlAction::SetRetries { retries } => {
                let mut retries = *retries;
                retries.attempts = retries.attempts.min(20);
                sync.retries = retries;
            }
            ControlAction::SetCircuitBreaker { breaker } => sync.circuit_breaker = *breaker,
            ControlAction::SetBulkhead { limit } => sync.bulkhead = limit.map(|l| l.max(1)),
            ControlAction::SetSyncStyle { style } => sync.style = *style,
            ControlAction::SetArrivalRate { per_s } => {
                scenario.workload.arrival_rate_per_s = *per_s
            }
            ControlAction::AddService { service } => {
                if service.can_join() {
                    scenario
                        .services
                        .get_or_insert_with(*service, Default::default);
                }
            }
            ControlAction::InjectFault { .. }
            | ControlAction::Heal { .. }
            | ControlAction::PinOrder { .. } => {}
        }
    }
}

/// Puts recorded actions in the order they take effect: by time, and as recorded within one
/// instant. Actions are recorded as time goes on, so they come nearly in order.
pub fn in_time_order(actions: &mut [RecordedAction]) {
    crate::sorted::sort_short_by_key(actions, |a| a.at);
}

/// A control action with the simulated time it took effect.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordedAction {
    pub at: SimTime,
    pub action: ControlAction,
}
