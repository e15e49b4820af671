//! A generation stops between denoising steps once its cancel flag is set.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};

use common::*;
use scene_model::pipeline::PipelineOptions;
use scene_model::{GenerationRequest, LtxPipeline, ModelError};

fn request() -> GenerationRequest {
    let mut req = GenerationRequest::new(96, 32, 9, "rain on a neon street", 7);
    req.num_inference_steps = 4;
    req
}

#[test]
fn a_cancel_after_the_first_step_stops_before_the_second() {
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let cancel = AtomicBool::new(false);
    let mut steps = Vec::new();
    let err = pipe
        .generate_cancellable(
            &request(),
            &mut |i, n| {
                steps.push((i, n));
                cancel.store(true, Ordering::Relaxed);
            },
            &cancel,
        )
        .unwrap_err();
    assert!(matches!(err, ModelError::Cancelled), "{err:?}");
    assert_eq!(steps, vec![(1, 4)], "it ran past the cancel");
}

#[test]
fn a_cancel_before_the_start_does_no_work_and_an_unset_flag_changes_nothing() {
    let pipe = LtxPipeline::open(fixture(), PipelineOptions::default()).unwrap();
    let mut steps = 0;
    let err = pipe
        .generate_cancellable(&request(), &mut |_, _| steps += 1, &AtomicBool::new(true))
        .unwrap_err();
    assert!(matches!(err, ModelError::Cancelled), "{err:?}");
    assert_eq!(steps, 0);
    let plain = pipe.generate(&request(), &mut |_, _| {}).unwrap();
    let flagged = pipe
        .generate_cancellable(&request(), &mut |_, _| {}, &AtomicBool::new(false))
        .unwrap();
    assert!(plain == flagged);
}
