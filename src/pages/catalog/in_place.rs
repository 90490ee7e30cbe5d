//! The catalog's filters and pages, in place.
//!
//! The listing is plain HTML the server renders (`listing.rs`): a GET form and page links. This
//! island catches a submit of that form or a plain click on a page link, asks the server for the
//! very address the browser would have loaded (so a listing seen with JavaScript is the listing
//! seen without), and swaps the answer's `.catalog` for the page's. The address bar gets the
//! answer's canonical address (a new history entry, unless it is the address already shown), and
//! focus goes to the new listing's heading; back and forward swap the listing of the address they
//! land on, unless only the fragment changed.
//! Answers can arrive out of order: only the newest request may change the page, and a newer one
//! cancels the older. A request that fails, takes longer than ten seconds (`PATIENCE`), or
//! answers with something that is not a listing is left to the browser, which loads the address
//! as a document (error page, progress bar and all).
//! What a page load would change outside the listing changes too: the title, the head's canonical,
//! neighbour and description tags, and a status line outside `.catalog` that tells screen readers
//! the new count (a live region must exist before its text changes to be announced).
//!
//! Nothing of the listing is rendered in the browser: the island carries no props but the
//! language, and the WebAssembly holds no listing code.

use crate::i18n::Lang;
use leptos::prelude::*;

/// Renders nothing; in the browser it listens for the catalog's form and page links. The listings
/// it swaps in have add-to-cart forms of their own, so it also makes their adds in place (which
/// a grid does itself, but a page that first showed no product for sale has no grid to do it).
#[island]
pub fn CatalogInPlace(lang: Lang) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        crate::components::listen_for_cart_adds(lang);
        browser_side::listen();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

/// The id of the status line, outside `.catalog`, that announces a swapped-in listing's count.
pub const LISTING_STATUS_ID: &str = "listing-status";

#[cfg(feature = "hydrate")]
mod browser_side {
    use super::LISTING_STATUS_ID;
    use crate::components::browser::{self, address_bar};
    use leptos::prelude::*;
    use leptos::wasm_bindgen::JsCast;
    use std::cell::{Cell, RefCell};
    use std::time::Duration;
    use web_sys::js_sys::futures::JsFuture;
    use web_sys::{
        AbortController, Document, DomParser, Element, HtmlElement, HtmlFormElement, MouseEvent, RequestInit, Response,
        SupportedType, Url,
    };

    /// The element whose content a new listing replaces.
    const CATALOG: &str = ".catalog";

    /// How long a listing may take before the browser is left to load it as a page: a request
    /// that never answers would otherwise leave the old listing faded for good.
    pub const PATIENCE: Duration = Duration::from_secs(10);

    /// The head tags that describe a listing; a swap replaces them with the new listing's own.
    const HEAD_TAGS: &str = "link[rel=canonical], link[rel=prev], link[rel=next], meta[name=description], \
                             meta[name=robots], meta[property^='og:'], meta[name^='twitter:']";

    thread_local! {
        static LISTENING: Cell<bool> = const { Cell::new(false) };
        static NEWEST_REQUEST: Cell<u64> = const { Cell::new(0) };
        /// The request under way, cancelled when a newer one starts.
        static IN_FLIGHT: RefCell<Option<AbortController>> = const { RefCell::new(None) };
        /// The path and query of the listing shown: a history move that changes only the
        /// fragment (to the skip link's `#main` and back) has nothing new to fetch.
        static SHOWN: RefCell<String> = const { RefCell::new(String::new()) };
    }

    /// How a new listing got asked for, which decides what happens to the browser history.
    #[derive(Clone, Copy)]
    enum Move {
        /// The form or a page link: a new history entry.
        Push,
        /// Back or forward: the address is already right.
        Keep,
    }

    pub fn listen() {
        if LISTENING.with(|listening| listening.replace(true)) {
            return;
        }
        SHOWN.set(address_bar());
        // The handles are dropped on purpose: the listeners live as long as the page.
        let _ = window_event_listener(leptos::ev::submit, |event| {
            let form = event.target().and_then(|target| target.dyn_into::<HtmlFormElement>().ok());
            let address =
                form.filter(|form| inside_catalog(form) && form.method() == "get").and_then(|f| form_address(&f));
            if let (false, Some(address)) = (event.default_prevented(), address) {
                event.prevent_default();
                load(address, Move::Push);
            }
        });
        let _ = window_event_listener(leptos::ev::click, |event| {
            let link = event.target().and_then(|target| target.dyn_into::<Element>().ok());
            let link = link.and_then(|element| element.closest(".catalog .pagination a[href]").ok().flatten());
            let address = link.and_then(|link| link.get_attribute("href"));
            if let (false, true, Some(address)) = (event.default_prevented(), plain_click(&event), address) {
                event.prevent_default();
                load(address, Move::Push);
            }
        });
        let _ = window_event_listener(leptos::ev::popstate, |_| {
            if SHOWN.with_borrow(|shown| *shown == address_bar()) {
                return;
            }
            if let Ok(address) = window().location().href() {
                load(address, Move::Keep);
            }
        });
    }

    fn inside_catalog(element: &Element) -> bool {
        matches!(element.closest(CATALOG), Ok(Some(_)))
    }

    /// A click the browser would follow in this tab (not a new tab or window, not a download).
    fn plain_click(event: &MouseEvent) -> bool {
        event.button() == 0 && !(event.ctrl_key() || event.meta_key() || event.shift_key() || event.alt_key())
    }

    /// The address a GET form loads when submitted: its action, with its fields as the query.
    fn form_address(form: &HtmlFormElement) -> Option<String> {
        let fields = web_sys::FormData::new_with_form(form).ok()?;
        let query = web_sys::UrlSearchParams::new_with_str_sequence_sequence(&fields).ok()?;
        let action = form.get_attribute("action")?;
        Some(format!("{action}?{}", String::from(query.to_string())))
    }

    fn load(address: String, step: Move) {
        let Some(catalog) = document().query_selector(CATALOG).ok().flatten() else {
            return go_to(&address);
        };
        let ticket = NEWEST_REQUEST.with(|newest| newest.get() + 1);
        NEWEST_REQUEST.with(|newest| newest.set(ticket));
        let _ = catalog.set_attribute("aria-busy", "true");
        leptos::task::spawn_local(async move {
            let answer = fetch_page(&address).await;
            if NEWEST_REQUEST.with(Cell::get) != ticket {
                return;
            }
            let fresh = answer.as_ref().and_then(|page| page.query_selector(CATALOG).ok().flatten());
            let (Some(page), Some(fresh)) = (answer.as_ref(), fresh) else {
                return go_to(&address);
            };
            if let Move::Push = step {
                let canonical = canonical_address(page).unwrap_or(address);
                // The same listing again (the same filters, the current page) is not a new step back.
                if canonical == address_bar() {
                    browser::replace_url(&canonical);
                } else {
                    browser::push_url(&canonical);
                }
            }
            SHOWN.set(address_bar());
            document().set_title(&page.title());
            replace_head_tags(page);
            // The answer's own element, `aria-busy="false"` as the server wrote it.
            let _ = catalog.replace_with_with_node_1(&fresh);
            announce_count(&fresh);
            if let Move::Push = step {
                focus_heading(&fresh);
            }
        });
    }

    /// Replaces the head's description of the listing shown (canonical address, neighbours,
    /// description, link previews) with the new page's: a reader of the head (a bookmarklet, a
    /// share button, the browser's own "copy link") sees the listing that is on screen.
    fn replace_head_tags(page: &Document) {
        let (Some(head), Ok(old), Ok(new)) =
            (document().head(), document().query_selector_all(HEAD_TAGS), page.query_selector_all(HEAD_TAGS))
        else {
            return;
        };
        for i in 0..old.length() {
            if let Some(Ok(tag)) = old.item(i).map(|node| node.dyn_into::<Element>()) {
                tag.remove();
            }
        }
        for i in 0..new.length() {
            if let Some(tag) = new.item(i) {
                let _ = head.append_child(&tag);
            }
        }
    }

    /// Says the new count in the status line outside the listing, which screen readers watch.
    fn announce_count(catalog: &Element) {
        let count = catalog.query_selector(".result-count").ok().flatten().and_then(|count| count.text_content());
        if let (Some(status), Some(count)) = (document().get_element_by_id(LISTING_STATUS_ID), count) {
            status.set_text_content(Some(&count));
        }
    }

    /// Moves focus to the new listing's heading, as a page load would put a reader at its start:
    /// the link or button that asked for it is gone, and focus would otherwise fall to the body.
    /// Focusing it also scrolls it into view.
    fn focus_heading(catalog: &Element) {
        let heading = catalog.query_selector("h1").ok().flatten().and_then(|h| h.dyn_into::<HtmlElement>().ok());
        if let Some(heading) = heading {
            let _ = heading.set_attribute("tabindex", "-1");
            let _ = heading.focus();
        }
    }

    /// The page at `address` as a document to read from (parsed, never run: a parsed document
    /// executes no script), or `None` if it could not be had or is not a page.
    async fn fetch_page(address: &str) -> Option<Document> {
        let cancel = AbortController::new().ok()?;
        if let Some(older) = IN_FLIGHT.replace(Some(cancel.clone())) {
            older.abort();
        }
        let init = RequestInit::new();
        init.set_signal(Some(&cancel.signal()));
        let give_up = {
            let cancel = cancel.clone();
            set_timeout_with_handle(move || cancel.abort(), PATIENCE).ok()
        };
        let html = async {
            let request = window().fetch_with_str_and_init(address, &init);
            let response: Response = JsFuture::from(request).await.ok()?.dyn_into().ok()?;
            if !response.ok() {
                return None;
            }
            JsFuture::from(response.text().ok()?).await.ok()?.as_string()
        }
        .await;
        if let Some(give_up) = give_up {
            give_up.clear();
        }
        DomParser::new().ok()?.parse_from_string(&html?, SupportedType::TextHtml).ok()
    }

    /// The path and query of the page's canonical link: the listing's address, written the way
    /// the server writes its links (no empty fields, the page corrected where it had to be).
    fn canonical_address(page: &Document) -> Option<String> {
        let href = page.query_selector("link[rel=canonical]").ok()??.get_attribute("href")?;
        let url = Url::new(&href).ok()?;
        Some(format!("{}{}", url.pathname(), url.search()))
    }

    /// Leaves the swap to the browser: it loads `address` as a document.
    fn go_to(address: &str) {
        let _ = window().location().set_href(address);
    }
}
