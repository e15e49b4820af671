//! The language server: LSP requests and notifications mapped onto the analyses.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{json, Value};
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer, LspService, Server};

use crate::check;
use crate::documents::ChangeOutcome;
use crate::hover::PlanView;
use crate::project::{Analysis, FileKey, Project};

/// The last check of one film.
#[derive(Default)]
struct FilmState {
    /// The plan of the last error-free check.
    schedule: Option<Arc<scene_plan::schedule::FilmSchedule>>,
    /// The text changed since that plan (the latest check had errors).
    stale: bool,
    /// Documents that received diagnostics from the last check of this film.
    published: BTreeSet<String>,
}

pub struct Backend {
    client: Client,
    project: Arc<Mutex<Project>>,
    films: Arc<Mutex<BTreeMap<FileKey, FilmState>>>,
    stats: Arc<Stats>,
}

#[derive(Default)]
struct Stats {
    checks: AtomicU64,
    dropped: AtomicU64,
}

/// How long a document must stay unchanged after its diagnostics before its film is planned.
const PLAN_AFTER_IDLE: std::time::Duration = std::time::Duration::from_millis(120);

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock is caught and reported; the data is still consistent
    // (every mutation is a single insert), so carry on rather than failing every later request.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs a feature; a panic in it becomes an internal error instead of killing the server.
fn guarded<T>(what: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    match std::panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(_) => Err(Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InternalError,
            message: format!("{what} failed (a bug in scene-lsp)").into(),
            data: None,
        }),
    }
}

impl Backend {
    fn new(client: Client) -> Self {
        Backend {
            client,
            project: Arc::default(),
            films: Arc::default(),
            stats: Arc::default(),
        }
    }

    /// Runs `f` on the analysis of `uri`: the open document, or the file on disk when it was
    /// never opened. A URI that names neither is an error.
    fn with_file<T>(
        &self,
        what: &str,
        uri: &Uri,
        f: impl FnOnce(&mut Project, &Analysis) -> Result<T>,
    ) -> Result<T> {
        guarded(what, || {
            let mut project = lock(&self.project);
            let Some(file) = project.analysis_of_uri(uri) else {
                return Err(Error::invalid_params(format!(
                    "unknown document {}: it is not open and cannot be read",
                    uri.as_str()
                )));
            };
            f(&mut project, &file)
        })
    }

    fn plan_for(&self, key: &FileKey) -> Option<(Arc<scene_plan::schedule::FilmSchedule>, bool)> {
        let entry = lock(&self.project).entry_for(key);
        let films = lock(&self.films);
        let state = films.get(&entry)?;
        Some((state.schedule.clone()?, state.stale))
    }

    /// Checks the film `uri` belongs to and publishes diagnostics, unless the document changed
    /// again in the meantime (then this work is dropped; the newer change has its own).
    fn schedule_check(&self, uri: Uri, version: i32) {
        let project = self.project.clone();
        let films = self.films.clone();
        let client = self.client.clone();
        let stats = self.stats.clone();
        tokio::spawn(async move {
            let current = {
                let project = project.clone();
                let uri = uri.clone();
                move || lock(&project).documents.version(&uri) == Some(version)
            };
            let work = {
                let project = project.clone();
                let uri = uri.clone();
                let current = current.clone();
                move || -> Option<(check::Outcome, BTreeMap<String, i32>)> {
                    if !current() {
                        return None;
                    }
                    let (inputs, overlay, aliases) = {
                        let mut p = lock(&project);
                        let inputs = check::gather(&mut p, &FileKey::of_uri(&uri));
                        (inputs, p.overlay(), p.aliases())
                    };
                    let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
                        check::run(inputs, overlay, aliases)
                    }))
                    .ok()?;
                    let versions = lock(&project)
                        .documents
                        .all()
                        .map(|d| (d.uri.as_str().to_owned(), d.version))
                        .collect();
                    Some((outcome, versions))
                }
            };
            let result = tokio::task::spawn_blocking(work).await.ok().flatten();
            let Some((outcome, versions)) = result else {
                stats.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            };
            if !current() {
                stats.dropped.fetch_add(1, Ordering::Relaxed);
                return;
            }
            stats.checks.fetch_add(1, Ordering::Relaxed);
            let check::Outcome {
                entry,
                diagnostics,
                has_errors,
                film,
            } = outcome;
            let clear = {
                let mut films = lock(&films);
                let state = films.entry(entry.clone()).or_default();
                let clear = check::cleared(&state.published, &diagnostics);
                state.published = diagnostics.keys().cloned().collect();
                state.stale = has_errors;
                clear
            };
            for (key, (uri, diags)) in diagnostics {
                client
                    .publish_diagnostics(uri, diags, versions.get(&key).copied())
                    .await;
            }
            for uri in clear {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
            // Plan after the diagnostics are out, and only once typing pauses: hover and inlay
            // hints use the plan, and planning every keystroke's version would take the CPU
            // from checking the next one.
            let Some(film) = film else { return };
            tokio::time::sleep(PLAN_AFTER_IDLE).await;
            if current() {
                let schedule = tokio::task::spawn_blocking(move || check::plan(&film))
                    .await
                    .ok()
                    .flatten();
                if let Some(schedule) = schedule {
                    if current() {
                        let mut films = lock(&films);
                        let state = films.entry(entry).or_default();
                        state.schedule = Some(schedule);
                        state.stale = false;
                    }
                }
            }
        });
    }

    async fn stats(&self) -> Result<Value> {
        let (parses, trees) = {
            let project = lock(&self.project);
            (project.parses, project.trees.stats())
        };
        Ok(json!({
            "parses": parses,
            // Top-level items reused from an earlier parse or parsed now, by the server and the
            // checker together.
            "items": { "reused": trees.item_hits, "parsed": trees.item_misses },
            "filesReused": trees.whole_file_hits,
            "checks": self.stats.checks.load(Ordering::Relaxed),
            "dropped": self.stats.dropped.load(Ordering::Relaxed),
        }))
    }
}

fn roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Some(folders) = &params.workspace_folders {
        out.extend(folders.iter().filter_map(|f| crate::uri::to_path(&f.uri)));
    }
    #[allow(deprecated)] // Older clients (Neovim 0.7) send only `rootUri`.
    if out.is_empty() {
        if let Some(root) = &params.root_uri {
            out.extend(crate::uri::to_path(root));
        }
    }
    out
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let roots = roots(&params);
        lock(&self.project).set_roots(roots);
        Ok(InitializeResult {
            server_info: Some(ServerInfo {
                name: "scene-lsp".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            capabilities: ServerCapabilities {
                position_encoding: Some(PositionEncodingKind::UTF16),
                text_document_sync: Some(TextDocumentSyncCapability::Kind(
                    TextDocumentSyncKind::INCREMENTAL,
                )),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec![" ".into(), ".".into(), ",".into()]),
                    ..CompletionOptions::default()
                }),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                document_symbol_provider: Some(OneOf::Left(true)),
                document_formatting_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: crate::semantic::legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: None,
                            work_done_progress_options: WorkDoneProgressOptions::default(),
                        },
                    ),
                ),
                inlay_hint_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                ..ServerCapabilities::default()
            },
            ..InitializeResult::default()
        })
    }

    async fn shutdown(&self) -> Result<()> {
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let (uri, version) = (doc.uri.clone(), doc.version);
        {
            let mut project = lock(&self.project);
            project.documents.open(doc.uri, doc.version, doc.text);
            let key = FileKey::of_uri(&uri);
            project.invalidate(&key);
            project.remember(&key);
        }
        self.schedule_check(uri, version);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        // Applied before any `.await`, so changes land in arrival order.
        let outcome = lock(&self.project)
            .documents
            .change(&uri, version, params.content_changes);
        match outcome {
            ChangeOutcome::Applied => self.schedule_check(uri, version),
            ChangeOutcome::NotOpen => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "didChange for a document that is not open: {}",
                            uri.as_str()
                        ),
                    )
                    .await
            }
            ChangeOutcome::Stale { held } => {
                self.client
                    .log_message(
                        MessageType::WARNING,
                        format!(
                            "ignored didChange version {version} of {}: version {held} is newer",
                            uri.as_str()
                        ),
                    )
                    .await
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        // Another film may import this file: re-check with what is on disk now.
        let version = lock(&self.project)
            .documents
            .version(&params.text_document.uri);
        if let Some(v) = version {
            self.schedule_check(params.text_document.uri, v);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut project = lock(&self.project);
        project.documents.close(&params.text_document.uri);
        project.invalidate(&FileKey::of_uri(&params.text_document.uri));
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let pos = params.text_document_position;
        self.with_file("completion", &pos.text_document.uri, |project, file| {
            let offset = file.offset(pos.position);
            let items = crate::completion::complete(project, file, offset);
            Ok(Some(CompletionResponse::Array(items)))
        })
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let pos = params.text_document_position_params;
        let plan = self.plan_for(&FileKey::of_uri(&pos.text_document.uri));
        self.with_file("hover", &pos.text_document.uri, |project, file| {
            let offset = file.offset(pos.position);
            let view = plan.as_ref().map(|(s, stale)| PlanView {
                schedule: s,
                stale: *stale,
            });
            Ok(crate::hover::hover(project, file, offset, view))
        })
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let pos = params.text_document_position_params;
        self.with_file("definition", &pos.text_document.uri, |project, file| {
            let offset = file.offset(pos.position);
            Ok(crate::navigation::definition(project, file, offset)
                .map(GotoDefinitionResponse::Scalar))
        })
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let pos = params.text_document_position;
        self.with_file("references", &pos.text_document.uri, |project, file| {
            let offset = file.offset(pos.position);
            let refs = crate::navigation::references(
                project,
                file,
                offset,
                params.context.include_declaration,
            );
            Ok(Some(refs))
        })
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.with_file(
            "prepareRename",
            &params.text_document.uri,
            |project, file| {
                let offset = file.offset(params.position);
                crate::navigation::prepare_rename(project, file, offset)
                    .map(Some)
                    .map_err(Error::invalid_params)
            },
        )
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let pos = params.text_document_position;
        self.with_file("rename", &pos.text_document.uri, |project, file| {
            let offset = file.offset(pos.position);
            crate::navigation::rename(project, file, offset, &params.new_name)
                .map(Some)
                .map_err(Error::invalid_params)
        })
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.with_file("documentSymbol", &params.text_document.uri, |_, file| {
            Ok(Some(DocumentSymbolResponse::Nested(
                crate::outline::document_symbols(file),
            )))
        })
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.with_file("foldingRange", &params.text_document.uri, |_, file| {
            Ok(Some(crate::outline::folding_ranges(file)))
        })
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.with_file("semanticTokens", &params.text_document.uri, |_, file| {
            Ok(Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data: crate::semantic::tokens(file),
            })))
        })
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let plan = self.plan_for(&FileKey::of_uri(&params.text_document.uri));
        self.with_file("inlayHint", &params.text_document.uri, |_, file| {
            Ok(Some(match &plan {
                Some((schedule, _)) => crate::inlay::hints(file, schedule, params.range),
                None => Vec::new(),
            }))
        })
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        self.with_file("codeAction", &uri, |project, file| {
            Ok(Some(crate::actions::code_actions(
                project,
                file,
                &uri,
                params.range,
                &params.context.diagnostics,
            )))
        })
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.with_file("formatting", &params.text_document.uri, |_, file| {
            crate::format::format(file)
        })
    }
}

/// Serves LSP on stdin/stdout until the client sends `exit` (or closes the stream).
pub async fn serve() {
    let (in_reader, in_writer) = tokio::io::duplex(1024 * 1024);
    let (out_reader, out_writer) = tokio::io::duplex(1024 * 1024);
    let (replies, replies_rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(crate::framing::filter(
        tokio::io::stdin(),
        in_writer,
        replies,
    ));
    let output = tokio::spawn(crate::framing::merge(
        out_reader,
        replies_rx,
        tokio::io::stdout(),
    ));
    let (service, socket) = LspService::build(Backend::new)
        .custom_method("scene/stats", Backend::stats)
        .finish();
    Server::new(in_reader, out_writer, socket)
        .serve(service)
        .await;
    // The server's output side is closed now: let the last frames reach stdout.
    let _ = output.await;
}
