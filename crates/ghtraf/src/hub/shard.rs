//! Stable sharding: which of N shards collects a repository.
//!
//! The hub workflow runs an Actions matrix of N jobs, job I running
//! `ghtraf collect --shard I/N`. A repository's shard depends only on its
//! canonical name (lower-cased `owner/repo`) through FNV-1a 64, a fixed
//! function with no seed: the assignment is the same on every machine and in
//! every release, and every repository is in exactly one shard. Adding a
//! repository moves no other one.

use std::fmt;
use std::str::FromStr;

use ghtraf_github::RepoRef;

use crate::error::{CliError, Result};

/// The most shards a hub workflow runs (GitHub's matrix allows 256 jobs).
pub const MAX_SHARDS: u32 = 64;

/// The canonical name a repository is sharded and matched by: GitHub's names
/// are case-insensitive, so `Octo/Demo` and `octo/demo` are one repository.
pub fn canonical(repo: &RepoRef) -> String {
    format!("{}/{}", repo.owner, repo.name).to_ascii_lowercase()
}

/// FNV-1a, 64 bits: tiny, fixed, and good enough to spread names.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Shard `index` of `count` (1-based, as written: `--shard 2/4`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard> {
        if count == 0 || count > MAX_SHARDS || index == 0 || index > count {
            return Err(CliError::usage(format!(
                "--shard {index}/{count}: use I/N with 1 ≤ I ≤ N ≤ {MAX_SHARDS}"
            )));
        }
        Ok(Shard { index, count })
    }

    pub fn index(self) -> u32 {
        self.index
    }

    pub fn count(self) -> u32 {
        self.count
    }

    /// The shard (1-based) a canonical name belongs to among `count`.
    pub fn of(canonical: &str, count: u32) -> u32 {
        (fnv1a(canonical) % u64::from(count.max(1))) as u32 + 1
    }

    /// Whether this shard collects the repository with this canonical name.
    pub fn takes(self, canonical: &str) -> bool {
        Shard::of(canonical, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = CliError;

    fn from_str(s: &str) -> Result<Shard> {
        let bad = || CliError::usage(format!("--shard `{s}`: use I/N, e.g. 2/4"));
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/4".parse::<Shard>().unwrap(), Shard::new(2, 4).unwrap());
        for bad in ["0/4", "5/4", "1/0", "x/2", "3", "1/65"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn the_assignment_is_fixed() {
        // Pinned: a change here would move repositories between shard jobs.
        assert_eq!(fnv1a(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(Shard::of("octo/demo", 4), Shard::of("octo/demo", 4));
    }

    #[test]
    fn letter_case_does_not_move_a_repository() {
        let a = canonical(&RepoRef::parse("Octo/Demo").unwrap());
        let b = canonical(&RepoRef::parse("octo/demo").unwrap());
        assert_eq!(a, b);
    }

    proptest! {
        #[test]
        fn every_repository_is_in_exactly_one_shard(
            names in proptest::collection::btree_set("[a-z0-9-]{1,12}/[a-z0-9._-]{1,20}", 0..200),
            count in 1u32..=MAX_SHARDS,
        ) {
            for name in &names {
                let takers = (1..=count)
                    .filter(|i| Shard::new(*i, count).unwrap().takes(name))
                    .count();
                prop_assert_eq!(takers, 1, "{} taken by {} shards of {}", name, takers, count);
            }
        }

        #[test]
        fn shards_are_roughly_even(count in 2u32..=8) {
            let names: Vec<String> = (0..2000).map(|n| format!("octo/repo-{n}")).collect();
            for i in 1..=count {
                let s = Shard::new(i, count).unwrap();
                let taken = names.iter().filter(|n| s.takes(n)).count();
                let fair = 2000 / count as usize;
                prop_assert!(taken > fair / 2 && taken < fair * 3 / 2, "shard {} of {}: {}", i, count, taken);
            }
        }
    }
}
