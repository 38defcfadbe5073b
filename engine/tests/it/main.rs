//! Integration tests of the engine, in one binary: behaviour of features, determinism,
//! invariants over many seeds and fault schedules, queueing theory and bad input.

mod acks;
mod bad_input;
mod behaviour;
mod blocking;
mod cancellation;
mod checkers;
mod cli;
mod counters;
mod determinism;
mod examples;
mod formats;
mod invariants;
mod layers;
mod outbox;
mod queueing;
mod rebalance;
mod retention;
mod rewind;
mod saga;
mod scenarios;
mod support;
mod work;
