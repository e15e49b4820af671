//! What a manifest declares, as plain data: the caller says what the file is and how it was
//! made; [`crate::sign_mp4`] turns it into C2PA assertions.

use std::path::PathBuf;

/// How the media came to be, as the IPTC Digital Source Type vocabulary
/// (<https://cv.iptc.org/newscodes/digitalsourcetype/>) names it. C2PA requires one on every
/// `c2pa.created` action. Definitions are IPTC's (release of 2024-10-23).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceType {
    /// "Digital media created algorithmically using an Artificial Intelligence model trained on
    /// captured content": generative AI.
    TrainedAlgorithmicMedia,
    /// "Media created purely by an algorithm not based on any sampled training data, e.g. an
    /// image created by software using a mathematical formula."
    AlgorithmicMedia,
    /// "Media created by a human using non-generative tools."
    DigitalCreation,
    /// "Mix or composite of several elements, at least one of which is synthetic."
    CompositeSynthetic,
    /// "The compositing of trained algorithmic media with some other media, such as with
    /// inpainting or outpainting operations."
    CompositeWithTrainedAlgorithmicMedia,
}

impl SourceType {
    /// The term's URI, as C2PA's `digitalSourceType` holds it.
    pub fn uri(self) -> &'static str {
        match self {
            SourceType::TrainedAlgorithmicMedia => {
                "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
            }
            SourceType::AlgorithmicMedia => {
                "http://cv.iptc.org/newscodes/digitalsourcetype/algorithmicMedia"
            }
            SourceType::DigitalCreation => {
                "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCreation"
            }
            SourceType::CompositeSynthetic => {
                "http://cv.iptc.org/newscodes/digitalsourcetype/compositeSynthetic"
            }
            SourceType::CompositeWithTrainedAlgorithmicMedia => {
                "http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia"
            }
        }
    }
}

/// How an ingredient took part in making the file (C2PA's ingredient `relationship`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    /// Part of the new file: a picture or sound placed in it, or a film whose shots it reuses.
    Component,
    /// Fed to a process that made the file (a conditioning image of a generative model).
    Input,
}

impl Relationship {
    pub(crate) fn c2pa_name(self) -> &'static str {
        match self {
            Relationship::Component => "componentOf",
            Relationship::Input => "inputTo",
        }
    }
}

/// A file that went into the signed one, bound by the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IngredientFile {
    /// Where to read it now, to carry its own Content Credentials (if it has any) into ours.
    pub path: PathBuf,
    /// Its name in the manifest (a project-relative path, say): never a machine's path.
    pub title: String,
    /// Its MIME type.
    pub format: String,
    /// SHA-256 of its bytes, hex. The signer checks it against the file.
    pub sha256: String,
    pub relationship: Relationship,
}

/// A custom assertion: a label in reverse-domain form and its JSON data.
#[derive(Clone, Debug, PartialEq)]
pub struct Assertion {
    pub label: String,
    pub data: serde_json::Value,
}

/// What a signed file declares about itself.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestSpec {
    pub title: String,
    /// The claim generator: `name/version` (`scenec/0.1.0`).
    pub generator_name: String,
    pub generator_version: String,
    /// Of the `c2pa.created` action.
    pub source_type: SourceType,
    /// A sentence on how the file was made, on the `c2pa.created` action.
    pub description: Option<String>,
    pub assertions: Vec<Assertion>,
    /// Each is also named by a `c2pa.placed` action (components) or listed as an input.
    pub ingredients: Vec<IngredientFile>,
}
