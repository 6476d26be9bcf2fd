//! Bounds on what one config can make the compiler build, so that a hostile
//! config is a config error, never a huge allocation: every regex a config
//! names is compiled under an explicit size limit, and the regexes of one
//! config share one budget. (The `contains`-style pattern sets are
//! Aho-Corasick automata whose size is linear in the pattern text, and the
//! YAML loader caps a config at a million nodes after alias expansion.)
//!
//! A regex is compiled first under [`REGEX_TIERS`]`[0]`; only a pattern too
//! big for it is tried under the next tier, and it is charged the limit of
//! the tier it fits in. So the memory of all compiled regexes of a plan
//! stays under [`PLAN_BUDGET`] (plus each lazy DFA cache, capped at its
//! regex's tier): 4,096 ordinary regexes fit, or 16 of the largest.

use std::cell::Cell;

use regex::{Regex, RegexBuilder};

/// Size limits (bytes of compiled program) tried in turn for one regex.
pub const REGEX_TIERS: [usize; 3] = [16 << 10, 256 << 10, 4 << 20];

/// Bytes of compiled regexes and pattern DFAs one plan may hold.
pub const PLAN_BUDGET: usize = 64 << 20;

/// What is left of a plan's compile budget.
#[derive(Debug)]
pub struct Budget {
    left: Cell<usize>,
}

impl Default for Budget {
    fn default() -> Budget {
        Budget { left: Cell::new(PLAN_BUDGET) }
    }
}

/// Why a regex did not compile.
#[derive(Debug, PartialEq, Eq)]
pub enum RegexError {
    /// The pattern is not a regex (the regex crate's message, last line).
    Syntax(String),
    /// It compiles to more than the largest tier.
    TooBig,
    /// The plan's other regexes used up the budget.
    Budget,
}

impl std::fmt::Display for RegexError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RegexError::Syntax(m) => f.write_str(m),
            RegexError::TooBig => {
                write!(f, "compiles to more than {} MiB (the size limit of one regex)", REGEX_TIERS[2] >> 20)
            }
            RegexError::Budget => write!(
                f,
                "the config's regexes and patterns together exceed {} MiB (the compile budget of one config)",
                PLAN_BUDGET >> 20
            ),
        }
    }
}

fn last_line(s: &str) -> String {
    s.lines().rfind(|l| !l.trim().is_empty()).unwrap_or(s).trim().to_owned()
}

impl Budget {
    /// Compiles `pattern` (already in the regex crate's syntax) under the
    /// smallest tier it fits in, charging that tier to the budget.
    pub fn regex(&self, pattern: &str) -> Result<Regex, RegexError> {
        for limit in REGEX_TIERS {
            if limit > self.left.get() {
                return Err(RegexError::Budget);
            }
            match RegexBuilder::new(pattern).size_limit(limit).dfa_size_limit(limit).build() {
                Ok(re) => {
                    self.left.set(self.left.get() - limit);
                    return Ok(re);
                }
                Err(regex::Error::CompiledTooBig(_)) => continue,
                Err(e) => return Err(RegexError::Syntax(last_line(&e.to_string()))),
            }
        }
        Err(RegexError::TooBig)
    }

    /// What is left (tests).
    #[cfg(test)]
    pub fn left(&self) -> usize {
        self.left.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_regexes_charge_the_smallest_tier() {
        let b = Budget::default();
        let re = b.regex("^[a-z]+@example\\.com$").unwrap();
        assert!(re.is_match("ann@example.com"));
        assert_eq!(b.left(), PLAN_BUDGET - REGEX_TIERS[0]);
    }

    #[test]
    fn a_pattern_too_big_for_every_tier_is_an_error() {
        let b = Budget::default();
        assert_eq!(b.regex("(\\w{100}){100}").unwrap_err(), RegexError::TooBig);
        assert_eq!(b.left(), PLAN_BUDGET, "a failed regex is not charged");
        assert!(RegexError::TooBig.to_string().contains("4 MiB"));
    }

    #[test]
    fn a_medium_pattern_is_charged_its_tier() {
        let b = Budget::default();
        // Unicode `\w` is too big for 16 KiB and fits in 256 KiB.
        b.regex("\\w{3}").unwrap();
        assert_eq!(b.left(), PLAN_BUDGET - REGEX_TIERS[1]);
    }

    #[test]
    fn the_budget_is_shared_by_a_configs_regexes() {
        let b = Budget::default();
        let mut ok = 0;
        let err = loop {
            match b.regex("\\w{3}") {
                Ok(_) => ok += 1,
                Err(e) => break e,
            }
        };
        assert_eq!(ok, PLAN_BUDGET / REGEX_TIERS[1]);
        assert_eq!(err, RegexError::Budget);
        assert_eq!(b.regex("a").unwrap_err(), RegexError::Budget, "nothing is left");
    }

    #[test]
    fn syntax_errors_keep_the_regex_crates_last_line() {
        let e = Budget::default().regex("(unclosed").unwrap_err();
        assert!(matches!(&e, RegexError::Syntax(m) if m.contains("unclosed group")), "{e:?}");
    }
}
