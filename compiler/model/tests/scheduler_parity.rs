//! Sampler timesteps, sigmas and Euler steps against diffusers' `FlowMatchEulerDiscreteScheduler`.

mod common;

use common::*;
use scene_model::scheduler::{linear_quadratic_schedule, FlowMatchScheduler, SchedulerConfig};

fn vec1(t: &candle_core::Tensor) -> Vec<f32> {
    t.to_vec1::<f32>().unwrap()
}

#[test]
fn scheduler_parity_timesteps_sigmas_and_steps() {
    let g = golden("scheduler");
    let meta = golden_json("scheduler");
    let cases = meta.as_object().unwrap();
    assert_eq!(cases.len(), 8);
    for (key, case) in cases {
        let cfg: SchedulerConfig = serde_json::from_value(case["config"].clone()).unwrap();
        let mut sched = FlowMatchScheduler::new(&cfg).unwrap();
        let steps = case["steps"].as_u64().unwrap() as usize;
        let mu = case["mu"].as_f64();
        if case["mode"] == "custom" {
            let ts: Vec<f32> = linear_quadratic_schedule(steps, 0.025, None)
                .iter()
                .map(|s| s * 1000.0)
                .collect();
            sched.set_timesteps(steps, Some(&ts), mu).unwrap();
        } else {
            sched.set_timesteps(steps, None, mu).unwrap();
        }
        let want_t = vec1(&g[&format!("{key}.timesteps")]);
        let want_s = vec1(&g[&format!("{key}.sigmas")]);
        assert_eq!(sched.timesteps().len(), want_t.len(), "{key}");
        for (a, b) in sched.timesteps().iter().zip(&want_t) {
            assert!((a - b).abs() <= 1e-4, "{key} timesteps {a} vs {b}");
        }
        for (a, b) in sched.sigmas().iter().zip(&want_s) {
            assert!((a - b).abs() <= 1e-6, "{key} sigmas {a} vs {b}");
        }
        let prev = sched
            .step_per_token(
                &g[&format!("{key}.model_out")],
                &g[&format!("{key}.sample")],
                &g[&format!("{key}.per_token")],
            )
            .unwrap();
        assert_close(&format!("{key} step"), &prev, &g[&format!("{key}.prev")]);
    }
}

#[test]
fn scheduler_parity_linear_quadratic_schedule() {
    let g = golden("scheduler");
    for n in [3usize, 7, 40] {
        let want = vec1(&g[&format!("linear_quadratic.{n}")]);
        let got = linear_quadratic_schedule(n, 0.025, None);
        assert_eq!(got.len(), want.len());
        for (a, b) in got.iter().zip(&want) {
            assert!((a - b).abs() <= 1e-7, "n={n}: {a} vs {b}");
        }
    }
}

#[test]
fn dynamic_shifting_without_mu_is_an_error() {
    let cfg: SchedulerConfig = serde_json::from_str(r#"{"use_dynamic_shifting": true}"#).unwrap();
    let mut s = FlowMatchScheduler::new(&cfg).unwrap();
    assert!(s.set_timesteps(5, None, None).is_err());
}

#[test]
fn unsupported_scheduler_options_are_named() {
    let cfg: SchedulerConfig = serde_json::from_str(r#"{"use_karras_sigmas": true}"#).unwrap();
    let err = FlowMatchScheduler::new(&cfg).unwrap_err().to_string();
    assert!(err.contains("use_karras_sigmas"), "{err}");
}
