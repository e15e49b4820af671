//! eSpeak NG through its C library, loaded at run time.
//!
//! **Why loaded, not linked.** Two reasons. A machine without eSpeak NG must still run
//! `scenec check` (and the language server): `dlopen` failing is a value we can fall back from,
//! where a missing `DT_NEEDED` library stops the process before `main`. And eSpeak NG keeps
//! state between utterances in C statics that no API call resets: 1.51's wave generator carries
//! its pitch-flutter phase (a function-local `static`) and its breath resonators from one
//! utterance to the next, and draws fricative noise from libc's `rand()`. Synthesising the same
//! line after a different one gives different samples — even a different length (measured: 25,013
//! samples fresh, 24,799 after another line). A line's sound must depend on the line only, or the
//! cache, `--jobs` and the order of a watch session's edits would all change the film. So every
//! synthesis loads the library afresh (`dlopen`), initialises it, speaks one line with the random
//! generator seeded from the line, terminates it (which joins its worker thread) and unloads it
//! (`dlclose`), which discards every static. That costs a few tens of milliseconds per line;
//! lines are cached ([`crate::cache`]), so it is paid once per line.
//!
//! **Thread safety.** eSpeak NG's API is one global state machine. Every call into the library
//! happens while holding [`ENGINE`], so at most one thread is ever inside it; the synthesis
//! callback writes into a buffer published through [`SINK`] for exactly that time.
//!
//! `espeak_Initialize` sets the C library's `LC_CTYPE` locale (to `C.UTF-8`); nothing in scenec
//! reads the C locale.

use std::ffi::{c_char, c_int, c_long, c_short, c_uint, c_void, CStr, CString};
use std::path::PathBuf;
use std::ptr;
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::Mutex;

use libloading::{Library, Symbol};

use crate::error::VoiceError;

/// The shared object Debian's `libespeak-ng1` installs (its soname).
pub const DEFAULT_LIBRARY: &str = "libespeak-ng.so.1";

/// Names another library file (a path or a soname) to load instead of [`DEFAULT_LIBRARY`];
/// tests point it at a missing file to exercise the fallback.
pub const LIBRARY_ENV: &str = "SCENEC_ESPEAK_LIBRARY";

/// eSpeak NG's native output rate (its own voices; MBROLA voices, which we never select, differ).
pub const ENGINE_RATE: u32 = 22_050;

// speak_lib.h, API revision 12.
const AUDIO_OUTPUT_SYNCHRONOUS: c_int = 2;
const INITIALIZE_DONT_EXIT: c_int = 0x8000;
const POS_CHARACTER: c_int = 1;
const CHARS_UTF8: c_uint = 1;
const EE_OK: c_int = 0;
const PARAM_RATE: c_int = 1;
const PARAM_VOLUME: c_int = 2;
const PARAM_PITCH: c_int = 3;
const PARAM_RANGE: c_int = 4;
const PARAM_WORDGAP: c_int = 7;
/// Milliseconds of audio per callback.
const BUFFER_MS: c_int = 200;

type SynthCallback = unsafe extern "C" fn(*mut c_short, c_int, *mut c_void) -> c_int;
type InitializeFn = unsafe extern "C" fn(c_int, c_int, *const c_char, c_int) -> c_int;
type InitializePathFn = unsafe extern "C" fn(*const c_char);
type InfoFn = unsafe extern "C" fn(*mut *const c_char) -> *const c_char;
type SetSynthCallbackFn = unsafe extern "C" fn(Option<SynthCallback>);
type SetVoiceByNameFn = unsafe extern "C" fn(*const c_char) -> c_int;
type SetParameterFn = unsafe extern "C" fn(c_int, c_int, c_int) -> c_int;
type SynthFn = unsafe extern "C" fn(
    *const c_void,
    usize,
    c_uint,
    c_int,
    c_uint,
    c_uint,
    *mut c_uint,
    *mut c_void,
) -> c_int;
type SynchronizeFn = unsafe extern "C" fn() -> c_int;
type TerminateFn = unsafe extern "C" fn() -> c_int;
/// eSpeak NG 1.52 and later: its own generator, which 1.52's initialisation seeds from the clock.
type SetRandSeedFn = unsafe extern "C" fn(c_long);

extern "C" {
    /// libc's generator, which eSpeak NG 1.51 draws fricative noise from.
    fn srand(seed: c_uint);
}

/// Held for every call into the library.
static ENGINE: Mutex<()> = Mutex::new(());

/// Where the synthesis callback appends samples; non-null only while a line is being spoken
/// under [`ENGINE`].
static SINK: AtomicPtr<Vec<i16>> = AtomicPtr::new(ptr::null_mut());

unsafe extern "C" fn on_samples(wav: *mut c_short, count: c_int, _events: *mut c_void) -> c_int {
    let sink = SINK.load(Ordering::Acquire);
    if sink.is_null() || wav.is_null() || count <= 0 {
        return 0;
    }
    // SAFETY: `sink` is the `Vec` that `speak` published and keeps alive and unaliased until it
    // has unpublished it; only the thread inside the library (the one holding ENGINE) calls
    // back, so no other reference to it exists meanwhile. eSpeak NG hands `count` valid samples
    // at `wav` for the duration of the call.
    unsafe {
        let samples = std::slice::from_raw_parts(wav, count as usize);
        (*sink).extend_from_slice(samples);
    }
    0
}

/// What eSpeak NG is asked to say a line with: a voice (language and variant) and its prosody.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct SynthParams {
    /// An eSpeak NG voice name, such as `en-us`.
    pub language: String,
    /// A variant file in `espeak-ng-data/voices/!v`, such as `m3` or `whisperf`.
    pub variant: String,
    /// Base pitch, 0–100 (50 is the voice's own).
    pub pitch: u8,
    /// Pitch range, 0–100 (0 is monotone, 50 the voice's own).
    pub range: u8,
    /// Words per minute, 80–450.
    pub rate: u16,
}

/// The library that answered a probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EngineInfo {
    /// What was loaded (a soname or a path).
    pub library: String,
    /// `espeak_Info`'s version string, such as `1.51`.
    pub version: String,
    /// The data directory it reads (`espeak-ng-data`).
    pub data: PathBuf,
}

/// eSpeak NG, found and usable.
#[derive(Clone, Debug)]
pub struct Engine {
    info: EngineInfo,
}

/// The library to load: [`LIBRARY_ENV`] when set, else [`DEFAULT_LIBRARY`].
pub fn library_name() -> String {
    std::env::var(LIBRARY_ENV)
        .ok()
        .filter(|s| !s.trim().is_empty())
        .unwrap_or_else(|| DEFAULT_LIBRARY.to_owned())
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    // A panic while holding the lock leaves nothing half-done that later calls read: every call
    // loads the library afresh.
    ENGINE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// One loaded copy of the library; unloaded on drop.
struct Loaded {
    lib: Library,
    name: String,
}

impl Loaded {
    fn open(name: &str) -> Result<Self, VoiceError> {
        // SAFETY: loading runs the library's initialisers; libespeak-ng's only set up its own
        // statics. We hold ENGINE, so no other copy is being loaded or used meanwhile.
        let lib = unsafe { Library::new(name) }.map_err(|e| VoiceError::Unavailable {
            reason: format!("cannot load {name} ({e})"),
        })?;
        Ok(Loaded {
            lib,
            name: name.to_owned(),
        })
    }

    fn symbol<T>(&self, symbol: &str) -> Result<Symbol<'_, T>, VoiceError> {
        let cname = format!("{symbol}\0");
        // SAFETY: every `T` this module asks for is the function type speak_lib.h declares for
        // that name (API revision 12, unchanged in the calls we make since eSpeak NG 1.49).
        unsafe { self.lib.get::<T>(cname.as_bytes()) }.map_err(|e| VoiceError::Unavailable {
            reason: format!("{} has no `{symbol}` ({e})", self.name),
        })
    }

    /// The version string and the data directory, without initialising the synthesiser.
    fn info(&self) -> Result<EngineInfo, VoiceError> {
        let info: Symbol<InfoFn> = self.symbol("espeak_Info")?;
        if let Ok(init_path) = self.symbol::<InitializePathFn>("espeak_ng_InitializePath") {
            // SAFETY: a null path asks for the default (ESPEAK_DATA_PATH or the built-in one).
            unsafe { init_path(ptr::null()) };
        }
        let mut data: *const c_char = ptr::null();
        // SAFETY: `espeak_Info` stores a pointer to its static data path and returns its static
        // version string; both stay valid while the library is loaded, and we copy them now.
        let version = unsafe { info(&mut data) };
        let version = if version.is_null() {
            String::new()
        } else {
            // SAFETY: a NUL-terminated static string (see above).
            unsafe { CStr::from_ptr(version) }
                .to_string_lossy()
                .into_owned()
        };
        let data = if data.is_null() {
            PathBuf::new()
        } else {
            // SAFETY: as above.
            PathBuf::from(
                unsafe { CStr::from_ptr(data) }
                    .to_string_lossy()
                    .into_owned(),
            )
        };
        Ok(EngineInfo {
            library: self.name.clone(),
            version,
            data,
        })
    }
}

impl Engine {
    /// Load the library once to learn its version and check its data; `Unavailable` says why
    /// not. Cheap (no synthesis), and it leaves nothing loaded.
    pub fn probe() -> Result<Engine, VoiceError> {
        Self::probe_library(&library_name())
    }

    pub fn probe_library(name: &str) -> Result<Engine, VoiceError> {
        let _held = lock();
        let loaded = Loaded::open(name)?;
        let info = loaded.info()?;
        for symbol in [
            "espeak_Initialize",
            "espeak_SetSynthCallback",
            "espeak_SetVoiceByName",
            "espeak_SetParameter",
            "espeak_Synth",
            "espeak_Synchronize",
            "espeak_Terminate",
        ] {
            loaded.symbol::<*const c_void>(symbol)?;
        }
        if !info.data.as_os_str().is_empty() && !info.data.join("phontab").is_file() {
            return Err(VoiceError::Unavailable {
                reason: format!(
                    "{name} is installed but its data is not ({} has no phontab; install espeak-ng-data)",
                    info.data.display()
                ),
            });
        }
        if info.version.is_empty() {
            return Err(VoiceError::Unavailable {
                reason: format!("{name} reports no version"),
            });
        }
        Ok(Engine { info })
    }

    pub fn info(&self) -> &EngineInfo {
        &self.info
    }

    /// A short identity for cache keys and reports: `eSpeak NG 1.51`.
    pub fn describe(&self) -> String {
        format!("eSpeak NG {}", self.info.version)
    }

    /// Speak `text` into 16-bit samples at [`ENGINE_RATE`], from a freshly loaded library with
    /// its random generator seeded by `seed`: the same arguments give the same samples whatever
    /// was spoken before, on any thread.
    pub fn speak(
        &self,
        params: &SynthParams,
        text: &str,
        seed: u32,
    ) -> Result<Vec<i16>, VoiceError> {
        let voice = CString::new(format!("{}+{}", params.language, params.variant))
            .map_err(|_| VoiceError::Synthesis("a voice name contains NUL".into()))?;
        // A NUL would end the text early; eSpeak reads it as a pause, so a space is the same.
        let text = CString::new(text.replace('\0', " "))
            .map_err(|_| VoiceError::Synthesis("text contains NUL".into()))?;

        let _held = lock();
        let loaded = Loaded::open(&self.info.library)?;
        let initialize: Symbol<InitializeFn> = loaded.symbol("espeak_Initialize")?;
        let set_callback: Symbol<SetSynthCallbackFn> = loaded.symbol("espeak_SetSynthCallback")?;
        let set_voice: Symbol<SetVoiceByNameFn> = loaded.symbol("espeak_SetVoiceByName")?;
        let set_parameter: Symbol<SetParameterFn> = loaded.symbol("espeak_SetParameter")?;
        let synth: Symbol<SynthFn> = loaded.symbol("espeak_Synth")?;
        let synchronize: Symbol<SynchronizeFn> = loaded.symbol("espeak_Synchronize")?;
        let terminate: Symbol<TerminateFn> = loaded.symbol("espeak_Terminate")?;
        let rand_seed = loaded.symbol::<SetRandSeedFn>("espeak_ng_SetRandSeed").ok();

        // SAFETY: the library is freshly loaded and ours alone (ENGINE is held). DONT_EXIT makes
        // a failed initialisation return instead of calling exit(); a 0 rate reports it.
        let rate = unsafe {
            initialize(
                AUDIO_OUTPUT_SYNCHRONOUS,
                BUFFER_MS,
                ptr::null(),
                INITIALIZE_DONT_EXIT,
            )
        };
        if rate <= 0 {
            // Not terminated: a failed initialisation never started the worker thread that
            // `espeak_Terminate` joins. Unloading discards what it did set up.
            return Err(VoiceError::Unavailable {
                reason: format!(
                    "{} could not initialise (is espeak-ng-data installed?)",
                    self.info.library
                ),
            });
        }
        // From here on the library holds a worker thread and buffers: terminate before unloading
        // (`session` is dropped before `loaded`, on every path).
        let session = Session {
            terminate: &terminate,
        };
        if rate as u32 != ENGINE_RATE {
            return Err(VoiceError::Synthesis(format!(
                "eSpeak NG speaks at {rate} Hz; scenec expects {ENGINE_RATE} Hz"
            )));
        }
        // SAFETY: `on_samples` matches t_espeak_callback and stays valid (it is ours).
        unsafe { set_callback(Some(on_samples)) };
        // SAFETY: a NUL-terminated voice name that outlives the call.
        if unsafe { set_voice(voice.as_ptr()) } != EE_OK {
            return Err(VoiceError::Synthesis(format!(
                "eSpeak NG has no voice `{}`",
                voice.to_string_lossy()
            )));
        }
        for (parameter, value) in [
            (PARAM_RATE, c_int::from(params.rate)),
            (PARAM_PITCH, c_int::from(params.pitch)),
            (PARAM_RANGE, c_int::from(params.range)),
            (PARAM_VOLUME, 100),
            (PARAM_WORDGAP, 0),
        ] {
            // SAFETY: plain integer setters; absolute values (relative = 0).
            if unsafe { set_parameter(parameter, value, 0) } != EE_OK {
                return Err(VoiceError::Synthesis(format!(
                    "eSpeak NG refused parameter {parameter} = {value}"
                )));
            }
        }

        let mut samples: Vec<i16> = Vec::new();
        SINK.store(&mut samples, Ordering::Release);
        let published = Published;
        // SAFETY: seeding generators; we are the only thread inside eSpeak NG, and scenec draws
        // from neither generator itself.
        unsafe {
            srand(seed);
            if let Some(seed_fn) = &rand_seed {
                seed_fn(c_long::from(seed));
            }
        }
        let bytes = text.as_bytes_with_nul();
        // SAFETY: in synchronous mode `espeak_Synth` returns after the whole text has been
        // spoken through `on_samples`, which appends to `samples` (published above, unpublished
        // below, and not touched by us in between).
        let status = unsafe {
            synth(
                bytes.as_ptr() as *const c_void,
                bytes.len(),
                0,
                POS_CHARACTER,
                0,
                CHARS_UTF8,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        // SAFETY: waits for pending output; a no-op in synchronous mode after Synth returned.
        let synced = unsafe { synchronize() };
        drop(published);
        drop(session);
        if status != EE_OK || synced != EE_OK {
            return Err(VoiceError::Synthesis(format!(
                "eSpeak NG failed to speak the line (status {status})"
            )));
        }
        Ok(samples)
    }
}

/// Calls `espeak_Terminate` when dropped (before the library is unloaded).
struct Session<'a> {
    terminate: &'a Symbol<'a, TerminateFn>,
}

impl Drop for Session<'_> {
    fn drop(&mut self) {
        // SAFETY: the library was initialised; terminating joins its worker thread and frees its
        // buffers, so no code of it runs once it is unloaded.
        unsafe {
            (self.terminate)();
        }
    }
}

/// Unpublishes the callback's sink when dropped, on every path out of a synthesis.
struct Published;

impl Drop for Published {
    fn drop(&mut self) {
        SINK.store(ptr::null_mut(), Ordering::Release);
    }
}
