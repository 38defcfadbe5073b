//! Deterministic simulation of the shop, built two ways.
