//! Infrastructure-as-code syntax: Terraform HCL, with spans. CloudFormation
//! templates are read by `crate::parse::cloudformation`, which the Connect
//! front end shares for the flows they embed.

pub mod terraform;
