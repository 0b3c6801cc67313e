//! A minimal payload for the crate's unit tests: details hold at most one
//! deferred value, which is all validation and execution need to exercise.

use serde::Serialize;

use crate::action::{Detail, Payload};
use crate::value::Deferred;

#[derive(Debug, Clone, Serialize, Default)]
pub struct P {
    pub value: Option<Deferred>,
}

impl Payload for P {
    fn details(&self) -> Vec<Detail> {
        Vec::new()
    }

    fn deferred(&self) -> Vec<&Deferred> {
        self.value.iter().collect()
    }
}
