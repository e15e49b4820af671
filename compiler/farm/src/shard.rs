//! Which worker renders which shots: `--shard K/N`.
//!
//! A shot that `continues` another is conditioned on that shot's last frame, and its cache key
//! includes that frame's hash, so a `continues` chain is never split: every chain (and every
//! lone shot) is one *group*, and groups are dealt to shards whole. Groups go, heaviest first,
//! to the least-loaded shard (ties to the lower index). A group's weight is its frames times its
//! denoising steps: what a model backend's time is proportional to (the previz backend's time is
//! proportional to frames, and the steps of a film are usually all the same).
//!
//! The assignment depends only on the schedule, so every worker and the generator agree on it
//! without talking to each other. It never changes a shot's bytes: seeds come from names.

use std::fmt;
use std::str::FromStr;

use scene_plan::schedule::{ConditioningSource, FilmSchedule, ShotSchedule};

/// `K/N`: this worker is shard `K` (counting from 0) of `N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    index: u32,
    count: u32,
}

/// Why a `--shard` value was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("`{0}` is not a shard; write K/N, e.g. `0/4` (K counts from 0)")]
    Syntax(String),
    #[error("a farm has at least one worker; `{0}` has none")]
    NoWorkers(String),
    #[error("shard {index} of {count} does not exist: K counts from 0 to {last}", last = count - 1)]
    OutOfRange { index: u32, count: u32 },
}

impl Shard {
    pub fn new(index: u32, count: u32) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::NoWorkers(format!("{index}/{count}")));
        }
        if index >= count {
            return Err(ShardError::OutOfRange { index, count });
        }
        Ok(Shard { index, count })
    }

    pub fn index(self) -> u32 {
        self.index
    }

    pub fn count(self) -> u32 {
        self.count
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(text.to_string());
        let (k, n) = text.trim().split_once('/').ok_or_else(syntax)?;
        let k: u32 = k.trim().parse().map_err(|_| syntax())?;
        let n: u32 = n.trim().parse().map_err(|_| syntax())?;
        Shard::new(k, n)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The shot whose last frame conditions `shot`, if any (as the render pipeline reads it).
fn upstream(shot: &ShotSchedule) -> Option<&str> {
    shot.continues.as_deref().or_else(|| {
        shot.conditioning.iter().find_map(|c| match &c.source {
            ConditioningSource::LastFrameOf { shot } => Some(shot.as_str()),
            _ => None,
        })
    })
}

/// Shots grouped into `continues` chains, each group's shot indices in play order, groups in
/// the order of their first shot.
pub fn groups(film: &FilmSchedule) -> Vec<Vec<usize>> {
    // Union-find over shot indices; an upstream always plays earlier, so linking each shot to
    // its upstream's root keeps the smallest index as the root.
    let mut root: Vec<usize> = (0..film.shots.len()).collect();
    fn find(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    for (i, shot) in film.shots.iter().enumerate() {
        let Some(name) = upstream(shot) else { continue };
        if let Some(up) = film.shots.iter().position(|s| s.name == name) {
            let (a, b) = (find(&mut root, up), find(&mut root, i));
            let (low, high) = (a.min(b), a.max(b));
            root[high] = low;
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot_of_root = vec![usize::MAX; film.shots.len()];
    for i in 0..film.shots.len() {
        let r = find(&mut root, i);
        if slot_of_root[r] == usize::MAX {
            slot_of_root[r] = out.len();
            out.push(Vec::new());
        }
        out[slot_of_root[r]].push(i);
    }
    out
}

/// The cost the assignment balances.
fn weight(film: &FilmSchedule, group: &[usize]) -> u64 {
    group
        .iter()
        .map(|&i| {
            let shot = &film.shots[i];
            u64::from(shot.frames.0) * u64::from(shot.steps.max(1))
        })
        .sum()
}

/// Every shard's shots, by index into `film.shots`, each list in play order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    shards: Vec<Vec<usize>>,
    loads: Vec<u64>,
}

impl Assignment {
    /// Deal the film's groups over `count` shards.
    pub fn new(film: &FilmSchedule, count: u32) -> Assignment {
        let count = count.max(1) as usize;
        let mut groups: Vec<(u64, Vec<usize>)> = groups(film)
            .into_iter()
            .map(|g| (weight(film, &g), g))
            .collect();
        // Heaviest first; equal weights in play order. Stable, so ties never depend on hashing.
        groups.sort_by(|a, b| b.0.cmp(&a.0).then(a.1[0].cmp(&b.1[0])));
        let mut shards = vec![Vec::new(); count];
        let mut loads = vec![0u64; count];
        for (w, group) in groups {
            let lightest = (0..count)
                .min_by_key(|&s| (loads[s], s))
                .unwrap_or_default();
            loads[lightest] += w;
            shards[lightest].extend(group);
        }
        for shard in &mut shards {
            shard.sort_unstable();
        }
        Assignment { shards, loads }
    }

    /// Indices into `film.shots` of the shots `shard` renders, in play order.
    pub fn shots(&self, shard: Shard) -> &[usize] {
        self.shards
            .get(shard.index() as usize)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Each shard's weight (frames × steps), for the generator's summary.
    pub fn loads(&self) -> &[u64] {
        &self.loads
    }

    pub fn shard_count(&self) -> usize {
        self.shards.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn film(source: &str) -> FilmSchedule {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("farm.scene");
        std::fs::write(&path, source).expect("write fixture");
        let checked = scene_check::check_entry(&path, &scene_check::RealFs);
        assert!(
            !checked.has_errors(),
            "fixture has errors: {:?}",
            checked.diagnostics
        );
        scene_plan::plan(
            &checked.film,
            &scene_voice::ReadingSpeed::new("not a speech test"),
        )
        .schedule
    }

    const FILM: &str = r#"
film "Farm" {
    size 320x192
    fps 24
}

character a {
    description "a woman in a red coat"
}

location l {
    description "a street"
}

scene s at l {
    shot one 2s {
        camera wide
        a at center
    }
    shot two 1s {
        continues one
        camera wide
    }
    shot three 3s {
        camera wide
    }
    shot four 1s {
        camera wide
    }
    shot five 1s {
        continues two
        camera wide
    }
}
"#;

    #[test]
    fn shard_syntax_and_range() {
        assert_eq!("0/4".parse::<Shard>(), Shard::new(0, 4));
        assert_eq!(" 3 / 4 ".parse::<Shard>().map(|s| s.index()), Ok(3));
        assert!(matches!(
            "4/4".parse::<Shard>(),
            Err(ShardError::OutOfRange { index: 4, count: 4 })
        ));
        assert!(matches!(
            "0/0".parse::<Shard>(),
            Err(ShardError::NoWorkers(_))
        ));
        assert!(matches!("1".parse::<Shard>(), Err(ShardError::Syntax(_))));
        assert!(matches!("a/b".parse::<Shard>(), Err(ShardError::Syntax(_))));
        assert!(matches!(
            "-1/2".parse::<Shard>(),
            Err(ShardError::Syntax(_))
        ));
    }

    #[test]
    fn continues_chains_stay_on_one_shard() {
        let film = film(FILM);
        let names = |ix: &[usize]| -> Vec<&str> {
            ix.iter().map(|&i| film.shots[i].name.as_str()).collect()
        };
        assert_eq!(
            groups(&film).iter().map(|g| names(g)).collect::<Vec<_>>(),
            vec![vec!["one", "two", "five"], vec!["three"], vec!["four"]]
        );
        let two = Assignment::new(&film, 2);
        // one+two+five is 4 s, three 3 s, four 1 s: LPT puts the chain alone, three and four
        // together.
        assert_eq!(
            names(two.shots(Shard::new(0, 2).unwrap())),
            ["one", "two", "five"]
        );
        assert_eq!(
            names(two.shots(Shard::new(1, 2).unwrap())),
            ["three", "four"]
        );
        assert_eq!(two.loads()[0], two.loads()[1]);
    }

    #[test]
    fn every_shot_on_exactly_one_shard_whatever_the_count() {
        let film = film(FILM);
        for n in 1..=8u32 {
            let a = Assignment::new(&film, n);
            let mut seen: Vec<usize> = (0..n)
                .flat_map(|k| a.shots(Shard::new(k, n).unwrap()).to_vec())
                .collect();
            seen.sort_unstable();
            assert_eq!(seen, (0..film.shots.len()).collect::<Vec<_>>(), "n = {n}");
        }
        // More workers than groups: the extra shards are empty, not an error.
        let a = Assignment::new(&film, 8);
        assert!(a.shots(Shard::new(7, 8).unwrap()).is_empty());
    }
}
