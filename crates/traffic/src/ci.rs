//! Separating CI clones from people's clones. Every CI job that checks out the repository
//! is a clone in GitHub's counts; left in, a busy CI makes a repo look popular. The unique
//! split is an ESTIMATE: GitHub does not say which unique cloners were CI runners, so we
//! assume CI's share of the uniques is its share of the clones, capped at one unique per run
//! (each run's jobs share a runner identity as far as we can tell).

/// `max(0, clones − ciCheckouts)`. A fully-CI day is 0, never the raw count.
pub fn organic_clones(clones: u64, ci_checkouts: u64) -> u64 {
    clones.saturating_sub(ci_checkouts)
}

/// `uniques − min(round_half_up(uniques × ci / clones), ciRuns)`, floored at 0.
/// With no clones there is no CI share; with `ci_runs` unknown the share is not capped.
pub fn organic_unique_clones(
    uniques: u64,
    clones: u64,
    ci_checkouts: u64,
    ci_runs: Option<u64>,
) -> u64 {
    let ci_share = ci_unique_share(uniques, clones, ci_checkouts);
    let ci_uniques = ci_runs.map_or(ci_share, |runs| ci_share.min(runs));
    uniques.saturating_sub(ci_uniques)
}

/// `round_half_up(uniques × ci / clones)` in exact integer arithmetic.
pub fn ci_unique_share(uniques: u64, clones: u64, ci_checkouts: u64) -> u64 {
    if clones == 0 {
        return 0;
    }
    let numerator = 2 * u128::from(uniques) * u128::from(ci_checkouts) + u128::from(clones);
    let share = numerator / (2 * u128::from(clones));
    u64::try_from(share).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organic_clones_floor_at_zero_and_fully_ci_day_is_zero() {
        assert_eq!(organic_clones(90, 40), 50);
        assert_eq!(organic_clones(22, 22), 0);
        assert_eq!(organic_clones(10, 44), 0);
    }

    #[test]
    fn unique_share_rounds_half_up() {
        // 35 × 40 / 90 = 15.56 → 16
        assert_eq!(ci_unique_share(35, 90, 40), 16);
        // 3 × 1 / 2 = 1.5 → 2 (half up, not banker's rounding to 2 — use an even case too)
        assert_eq!(ci_unique_share(3, 2, 1), 2);
        // 5 × 1 / 2 = 2.5 → 3 (banker's rounding would give 2)
        assert_eq!(ci_unique_share(5, 2, 1), 3);
        // 1 × 1 / 3 = 0.33 → 0
        assert_eq!(ci_unique_share(1, 3, 1), 0);
        assert_eq!(ci_unique_share(7, 0, 3), 0);
    }

    #[test]
    fn organic_uniques_are_capped_by_runs_and_floored() {
        // The original's fixture day: 35 uniques, 90 clones, 40 CI, 8 runs → 35 − min(16, 8) = 27.
        assert_eq!(organic_unique_clones(35, 90, 40, Some(8)), 27);
        assert_eq!(organic_unique_clones(35, 90, 40, None), 19);
        // CI above clones: the share exceeds the uniques, the result floors at 0.
        assert_eq!(organic_unique_clones(4, 10, 30, None), 0);
        // Fully-CI day with uniques: organic uniques reach 0 when runs allow it.
        assert_eq!(organic_unique_clones(3, 22, 22, Some(4)), 0);
        assert_eq!(organic_unique_clones(0, 0, 0, Some(0)), 0);
    }
}
