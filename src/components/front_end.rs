//! What a page's `<head>` names of the built front end: the stylesheet, and the loader that
//! brings the WebAssembly only to pages that have an island.
//!
//! Leptos's own `<HydrationScripts>` preloads the script and the WebAssembly on every page, even
//! one with nothing to hydrate (the home page, the stores, the cart), where it costs a phone
//! hundreds of kilobytes and competes with the first product image. This loader looks for islands
//! first, and waits for the browser to be idle before fetching anything, as Leptos's does.

use leptos::prelude::*;
use std::sync::Arc;

/// Where the site's built files are served (`pkg` under the site root).
pub const PKG_PATH: &str = "/pkg";

/// The names of the built files in the site's `pkg` folder, content-hashed when the build hashed
/// them (`tienda.<hash>.css`), so their addresses can be cached for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontEndFiles {
    pub stylesheet: String,
    pub script: String,
    pub wasm: String,
}

impl FrontEndFiles {
    /// The names an unhashed build writes (`cargo leptos build` without `hash-files`).
    pub fn unhashed(output_name: &str) -> Self {
        Self {
            stylesheet: format!("{output_name}.css"),
            script: format!("{output_name}.js"),
            wasm: format!("{output_name}.wasm"),
        }
    }

    pub fn names(&self) -> [&str; 3] {
        [&self.stylesheet, &self.script, &self.wasm]
    }
}

/// The head's two tags, built once per process: every page renders the same text.
#[derive(Clone, Debug)]
pub struct FrontEndHead {
    pub stylesheet_href: Arc<str>,
    /// The inline module script; the Content-Security-Policy allows exactly this text by its hash.
    pub loader_script: Arc<str>,
}

impl FrontEndHead {
    pub fn new(files: &FrontEndFiles) -> Self {
        Self {
            stylesheet_href: format!("{PKG_PATH}/{}", files.stylesheet).into(),
            loader_script: loader_script(
                &format!("{PKG_PATH}/{}", files.script),
                &format!("{PKG_PATH}/{}", files.wasm),
            )
            .into(),
        }
    }
}

/// A module script runs once the document is parsed, so every island is in the page by then. Each
/// island's hydration function is exported by the WebAssembly under the name the server wrote into
/// `data-component`; they are called in document order. Unlike Leptos's own loader this one does
/// not handle an island's `children` (`<leptos-children>`): no island of ours takes children.
/// A failure is reported and the next island is still tried (though a panic, which aborts inside
/// the WebAssembly, may leave it unusable). The body is marked `data-hydrated` once every island
/// has had its turn (the browser tests wait for it, and fail on any error reported).
fn loader_script(script_href: &str, wasm_href: &str) -> String {
    // JSON string literals are JavaScript string literals.
    let (script_href, wasm_href) = (json_string(script_href), json_string(wasm_href));
    format!(
        "const islands = document.querySelectorAll(\"leptos-island\");\n\
         if (islands.length) {{\n\
         \x20 const start = function () {{\n\
         \x20   import({script_href}).then(async function (glue) {{\n\
         \x20     await glue.default({{ module_or_path: {wasm_href} }});\n\
         \x20     glue.hydrate();\n\
         \x20     for (const island of islands) {{\n\
         \x20       try {{\n\
         \x20         const hydrateIsland = glue[island.dataset.component];\n\
         \x20         if (!hydrateIsland) throw new Error(\"no WebAssembly for the island \" + island.dataset.component);\n\
         \x20         await hydrateIsland(island);\n\
         \x20       }} catch (error) {{\n\
         \x20         console.error(error);\n\
         \x20       }}\n\
         \x20     }}\n\
         \x20     document.body.setAttribute(\"data-hydrated\", \"\");\n\
         \x20   }});\n\
         \x20 }};\n\
         \x20 if (\"requestIdleCallback\" in window) requestIdleCallback(start); else start();\n\
         }}\n"
    )
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).expect("a string always serialises")
}

/// The stylesheet link and the island loader, for the document's `<head>`.
#[component]
pub fn FrontEndTags(head: FrontEndHead) -> impl IntoView {
    // Leptos's loader component does this too: outside islands, nothing a page renders is
    // serialised for the browser (islands switch it back on for themselves).
    if let Some(shared) = Owner::current_shared_context() {
        shared.set_is_hydrating(false);
    }
    view! {
        <link rel="stylesheet" href=head.stylesheet_href />
        <script type="module">{head.loader_script}</script>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_loader_names_the_built_files_and_needs_no_escaping() {
        let files = FrontEndFiles {
            stylesheet: "tienda.AbC.css".into(),
            script: "tienda.dEf.js".into(),
            wasm: "tienda.x-Y_z.wasm".into(),
        };
        let head = FrontEndHead::new(&files);
        assert_eq!(&*head.stylesheet_href, "/pkg/tienda.AbC.css");
        assert!(head.loader_script.contains("import(\"/pkg/tienda.dEf.js\")"));
        assert!(head.loader_script.contains("module_or_path: \"/pkg/tienda.x-Y_z.wasm\""));
        // Script text is written raw: nothing in it may close the element or read as markup.
        assert!(!head.loader_script.contains('<'));
    }
}
