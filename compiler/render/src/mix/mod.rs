//! The parts of the mix that are signal processing rather than placement: ducking, mastering
//! (loudness and true peak) and the WAV stems.

pub mod duck;
pub mod envelope;
pub mod master;
pub mod wav;
