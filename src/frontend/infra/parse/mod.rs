//! Infrastructure-as-code syntax: Terraform HCL and CloudFormation YAML or
//! JSON templates, with spans.

pub mod cloudformation;
pub mod terraform;
