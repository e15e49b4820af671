//! LTX-2's sigma schedules against `FlowMatchEulerDiscreteScheduler.set_timesteps(sigmas=…)`:
//! linspace sigmas with dynamic (exponential and linear) shifting and a terminal stretch, the
//! distilled sigmas shifted or as given, and the second stage's.

mod ltx2common;

use ltx2common::*;
use scene_model::ltx2::scheduler::{
    mu_for, Ltx2Schedule, SigmaSource, DISTILLED_SIGMAS, STAGE_2_SIGMAS,
};
use scene_model::scheduler::SchedulerConfig;

#[test]
fn schedules_parity() {
    let g = golden("scheduler");
    let meta = golden_json("scheduler");
    for (key, case) in meta.as_object().unwrap() {
        let cfg: SchedulerConfig = serde_json::from_value(case["config"].clone()).unwrap();
        let source = match case["sigmas"].as_array() {
            Some(v) => SigmaSource::Custom(v.iter().map(|s| s.as_f64().unwrap()).collect()),
            None => SigmaSource::Steps(case["steps"].as_u64().unwrap() as usize),
        };
        let seq = case["seq_len"].as_u64().unwrap() as usize;
        let mu = mu_for(&cfg, seq);
        assert!(
            (mu - case["mu"].as_f64().unwrap()).abs() < 1e-12,
            "{key}: mu"
        );
        let s = Ltx2Schedule::new(&cfg, &source, mu).unwrap();
        let want_sigmas: Vec<f32> = g[&format!("{key}.sigmas")].to_vec1().unwrap();
        let want_t: Vec<f32> = g[&format!("{key}.timesteps")].to_vec1().unwrap();
        assert_eq!(s.sigmas, want_sigmas, "{key}: sigmas");
        assert_eq!(s.timesteps, want_t, "{key}: timesteps");
    }
    assert_eq!(DISTILLED_SIGMAS.len(), 8);
    assert_eq!(
        STAGE_2_SIGMAS,
        [
            DISTILLED_SIGMAS[5],
            DISTILLED_SIGMAS[6],
            DISTILLED_SIGMAS[7]
        ]
    );
}
