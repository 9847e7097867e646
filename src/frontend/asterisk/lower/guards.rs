//! What a branch on a dialplan condition establishes about the variables
//! it tests, as guards on its edges.

use crate::hash::HashSet;

use crate::flow::{AnswerMatch, Guard, Variable};
use crate::frontend::asterisk::parse::expr::{CompareOp, Condition};

/// What the `outcome` edge of a branch on `condition` establishes: explicit
/// answers, the else/default outcome, `!=` flipping the edges.
pub fn guards_for(condition: &Condition, outcome: bool) -> Vec<Guard> {
    let mut guards = Vec::new();
    collect_guards(condition, outcome, &mut guards);
    // One guard (most conditions) has nothing to repeat.
    if guards.len() > 1 {
        let mut seen = HashSet::default();
        guards.retain(|g| {
            let (Guard::Answer { variable, .. } | Guard::Default { variable, .. }) = g;
            seen.insert(variable.folded())
        });
    }
    guards
}

fn collect_guards(condition: &Condition, outcome: bool, out: &mut Vec<Guard>) {
    match condition {
        Condition::Compare {
            variable,
            op,
            value,
        } => {
            let holds = match op {
                CompareOp::Equal | CompareOp::Other => outcome,
                CompareOp::NotEqual => !outcome,
            };
            out.push(if holds {
                Guard::Answer {
                    variable: Variable::Named(variable.clone()),
                    answer: match op {
                        CompareOp::Other => AnswerMatch::AnyValue,
                        _ => AnswerMatch::Values(vec![value.clone()]),
                    },
                }
            } else {
                Guard::Default {
                    variable: Variable::Named(variable.clone()),
                    not: match op {
                        CompareOp::Other => Vec::new(),
                        _ => vec![value.clone()],
                    },
                }
            });
        }
        Condition::Truthy(variable) => out.push(if outcome {
            Guard::Answer {
                variable: Variable::Named(variable.clone()),
                answer: AnswerMatch::AnyValue,
            }
        } else {
            Guard::Default {
                variable: Variable::Named(variable.clone()),
                not: Vec::new(),
            }
        }),
        Condition::Not(inner) => collect_guards(inner, !outcome, out),
        Condition::Or(parts) => {
            if let Some((variable, values)) = same_variable_equalities(parts) {
                let variable = Variable::Named(variable);
                out.push(if outcome {
                    Guard::Answer {
                        variable,
                        answer: AnswerMatch::Values(values),
                    }
                } else {
                    Guard::Default {
                        variable,
                        not: values,
                    }
                });
            } else if !outcome {
                // Every alternative is false.
                for part in parts {
                    collect_guards(part, false, out);
                }
            }
        }
        Condition::And(parts) => {
            for part in parts {
                // Every part holds on the true edge; on the false edge a part
                // failed, read as the default outcome of each variable tested.
                collect_guards(part, outcome, out);
            }
        }
        Condition::Opaque => {}
    }
}

/// `${C} = "1" | ${C} = "yes"`: one variable against several values.
fn same_variable_equalities(parts: &[Condition]) -> Option<(String, Vec<String>)> {
    let mut variable: Option<&str> = None;
    let mut values = Vec::new();
    for part in parts {
        let Condition::Compare {
            variable: v,
            op: CompareOp::Equal,
            value,
        } = part
        else {
            return None;
        };
        if variable.is_some_and(|x| !x.eq_ignore_ascii_case(v)) {
            return None;
        }
        variable = Some(v);
        values.push(value.clone());
    }
    variable.map(|v| (v.to_string(), values))
}
