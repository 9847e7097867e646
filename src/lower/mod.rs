//! Lowering parsed configuration to the call-flow graph, one module per format.

pub mod asterisk;
