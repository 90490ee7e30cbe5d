//! The process: its command line, start-up (the router and its layers), the state every request
//! shares, logging, and the connection loop that serves HTTP.

pub mod cli;
pub mod serve;
pub mod startup;
pub mod state;
pub mod telemetry;
