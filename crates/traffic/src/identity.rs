//! The identities every state and its archive months must satisfy — totals derived from
//! their parts, days ascending, each day in exactly one place, archive totals matching their
//! days — checked by `ghtraf verify` and after every merge and backfill in the tests.

use crate::dates::format_date;
use crate::model::{ArchiveMonth, State, Totals, TOTAL_FIELDS};

/// Checks the identities a state must satisfy; each broken one is a message. `archives` are
/// the month files of the archive gist (all of them).
pub fn check_identity(state: &State, archives: &[ArchiveMonth]) -> Vec<String> {
    let mut problems = Vec::new();
    let derived = state.derived_totals();
    for field in TOTAL_FIELDS {
        if state.totals.get(field) != derived.get(field) {
            problems.push(format!(
                "totals.{field} is {} but baseline + archived + days = {}",
                state.totals.get(field),
                derived.get(field)
            ));
        }
    }
    for pair in state.daily_history.windows(2) {
        if pair[1].date <= pair[0].date {
            problems.push(format!(
                "dailyHistory is not strictly ascending at {}",
                format_date(pair[1].date)
            ));
        }
    }
    let periods: Vec<&str> = archives.iter().map(|month| month.period.as_str()).collect();
    let listed: Vec<&str> = state.archived.months.iter().map(String::as_str).collect();
    if periods != listed {
        problems.push(format!(
            "archived.months lists {listed:?} but the archive files are {periods:?}"
        ));
    }
    let mut archived_sum = Totals::default();
    for month in archives {
        if let Some(stray) = month
            .daily_history
            .iter()
            .find(|day| day.period() != month.period)
        {
            problems.push(format!(
                "{} holds {}, outside its month",
                month.file_name(),
                format_date(stray.date)
            ));
        }
        let days = Totals::of_days(&month.daily_history);
        if days != month.totals {
            problems.push(format!(
                "{} totals do not equal the sum of its days",
                month.file_name()
            ));
        }
        if let Some(held) = month
            .daily_history
            .iter()
            .find(|day| state.daily_history.iter().any(|mine| mine.date == day.date))
        {
            problems.push(format!(
                "{} is both in {} and in state.json",
                format_date(held.date),
                month.file_name()
            ));
        }
        archived_sum = archived_sum.plus(&month.totals);
    }
    if archived_sum != state.archived.totals {
        problems
            .push("archived.totals do not equal the sum of the archive files' totals".to_string());
    }
    problems
}
