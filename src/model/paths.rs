//! Every address of the site that names a record, built in one place: pages, the sitemap,
//! redirects and links all call these, so a route that moves changes here and in `app.rs` only.

use super::product_query::percent_encode;

/// A product's storefront page.
pub fn product(slug: &str) -> String {
    format!("/products/{slug}")
}

/// A category's storefront page (its product listing).
pub fn category(slug: &str) -> String {
    format!("/categories/{slug}")
}

/// A shop's entry on the stores page.
pub fn store(slug: &str) -> String {
    format!("/stores#{slug}")
}

/// The sitemap index (what robots.txt names): it lists the sitemap's files.
pub const SITEMAP_INDEX: &str = "/sitemap.xml";

/// The sitemap file of the fixed pages and the categories.
pub const SITEMAP_PAGES: &str = "/sitemaps/pages.xml";

/// The sitemap file of product pages number `number` (from 1).
pub fn sitemap_products(number: i64) -> String {
    format!("/sitemaps/products-{number}.xml")
}

/// The number in a product file's name (`products-7.xml` gives 7), the inverse of
/// [`sitemap_products`]: decimal digits without a leading zero, so each file has one address.
/// `None` for any other name (`products-0.xml`, `products-07.xml`, `products-+7.xml`,
/// `products-7.xml.gz`, a number beyond `i64`).
pub fn sitemap_products_number(file_name: &str) -> Option<i64> {
    let digits = file_name.strip_prefix("products-")?.strip_suffix(".xml")?;
    if digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The back office's form for a product.
pub fn admin_product(id: i64) -> String {
    format!("/admin/products/{id}")
}

/// The back office's confirmation page before deleting a product.
pub fn admin_product_delete(id: i64) -> String {
    format!("/admin/products/{id}/delete")
}

pub const ADMIN_NEW_PRODUCT: &str = "/admin/products/new";

/// The back office's form for a category.
pub fn admin_category(id: i64) -> String {
    format!("/admin/categories/{id}")
}

/// The back office's confirmation page before deleting a category.
pub fn admin_category_delete(id: i64) -> String {
    format!("/admin/categories/{id}/delete")
}

pub const ADMIN_NEW_CATEGORY: &str = "/admin/categories/new";

/// `?next=<path>` for the sign-in and registration pages (empty without a path to return to).
pub fn next_query(next: &str) -> String {
    if next.is_empty() {
        String::new()
    } else {
        format!("?next={}", percent_encode(next))
    }
}

/// The sign-in page, returning to `next` afterwards.
pub fn login(next: &str) -> String {
    format!("/login{}", next_query(next))
}

/// The registration page, returning to `next` afterwards.
pub fn register(next: &str) -> String {
    format!("/register{}", next_query(next))
}

/// Where someone who forgot their password asks for a link to set a new one.
pub const FORGOT_PASSWORD: &str = "/login/forgot";
/// Where a password reset link leads; [`password_reset`] adds the token.
pub const RESET_PASSWORD: &str = "/login/reset";

/// The page a password reset link opens, for `token` (hex digits, which need no escaping).
pub fn password_reset(token: &str) -> String {
    format!("{RESET_PASSWORD}?token={token}")
}

pub const CART: &str = "/cart";
pub const CHECKOUT: &str = "/checkout";
pub const ACCOUNT: &str = "/account";
pub const MY_ORDERS: &str = "/account/orders";
pub const ADMIN_ORDERS: &str = "/admin/orders";
pub const ADMIN_JOBS: &str = "/admin/jobs";
/// What jobs made for the signed-in person: their exports, ready to download.
pub const INBOX: &str = "/account/inbox";
/// The route of a download; [`download`] fills it in.
pub const DOWNLOAD_ROUTE: &str = "/account/downloads/{id}";

/// The link that downloads a job's result (for its owner, or an admin).
pub fn download(id: i64) -> String {
    format!("/account/downloads/{id}")
}

/// A customer's page of one of their orders.
pub fn my_order(id: i64) -> String {
    format!("/account/orders/{id}")
}

/// The back office's page of an order.
pub fn admin_order(id: i64) -> String {
    format!("/admin/orders/{id}")
}

/// A query string's name or value as the page reads it: `+` is a space and `%XX` the byte XX
/// (an escape that is not one stays as written).
fn decoded(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| (*b as char).to_digit(16));
        match (bytes[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                out.push((high * 16 + low) as u8);
                i += 3;
            }
            (b'+', ..) => {
                out.push(b' ');
                i += 1;
            }
            (byte, ..) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The address a page loads a picture (a product's, a category's, an avatar) from: an `http://`
/// link as `https://`. The pages' policy loads pictures from this site and over HTTPS only (a
/// plain-HTTP picture on an HTTPS page is mixed content), while the API accepts `http://` links,
/// as upstream does, and keeps them as sent.
pub fn picture_src(address: &str) -> String {
    match address.strip_prefix("http://") {
        Some(rest) => format!("https://{rest}"),
        None => address.to_owned(),
    }
}

/// Query parameters that carry a one-time note about what the last form did: the page they bring
/// the browser to says it once, and no address made from that page keeps them.
const NOTE_PARAMETERS: &[&str] = &["added", "saved", "deleted", "__err", "__path"];

/// `path` (a same-site page) with `?added=<product>` set, the note a page shows after an add to
/// the cart without JavaScript. Notes the path already had (an earlier add's, an error's) go.
pub fn with_added(path: &str, product_id: i64) -> String {
    let kept = without_notes(path);
    let separator = if kept.contains('?') { '&' } else { '?' };
    format!("{kept}{separator}added={product_id}")
}

/// `path` (a same-site path and query) without the [one-time notes](NOTE_PARAMETERS) in its query.
pub fn without_notes(path: &str) -> String {
    let Some((base, query)) = path.split_once('?') else { return path.to_owned() };
    // By the name a page reads, decoded: `%5F%5Ferr` is `__err` to it.
    let is_note = |pair: &str| {
        let key = decoded(pair.split_once('=').map_or(pair, |(key, _)| key));
        NOTE_PARAMETERS.contains(&key.as_str())
    };
    let kept: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !is_note(pair)).collect();
    match kept.is_empty() {
        true => base.to_owned(),
        false => format!("{base}?{}", kept.join("&")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_name_their_record_and_encode_where_to_return() {
        assert_eq!(super::product("oak-table"), "/products/oak-table");
        assert_eq!(super::admin_category_delete(4), "/admin/categories/4/delete");
        assert_eq!(super::login("/products?q=a b"), "/login?next=%2Fproducts%3Fq%3Da+b");
        assert_eq!(super::login(""), "/login");
    }

    #[test]
    fn pictures_load_over_https() {
        assert_eq!(super::picture_src("http://example.com/a.png"), "https://example.com/a.png");
        assert_eq!(super::picture_src("https://example.com/a.png"), "https://example.com/a.png");
        assert_eq!(super::picture_src("/media/avatars/a.png"), "/media/avatars/a.png");
    }

    #[test]
    fn addresses_made_from_a_page_drop_its_one_time_notes() {
        assert_eq!(super::without_notes("/products?q=oak&added=3&page=2"), "/products?q=oak&page=2");
        assert_eq!(super::without_notes("/products?__path=%2Frpc%2Fcart%2Fadd&__err=x&added=4"), "/products");
        assert_eq!(super::without_notes("/account?saved=profile"), "/account");
        assert_eq!(super::without_notes("/products?%5F%5Ferr=x&%61dded=3&q=a"), "/products?q=a", "escaped names too");
        assert_eq!(super::without_notes("/products?addedx=1&q=saved"), "/products?addedx=1&q=saved");
        assert_eq!(super::with_added("/products?q=oak&__err=x&added=3", 9), "/products?q=oak&added=9");
        assert_eq!(super::with_added("/", 9), "/?added=9");
    }

    #[test]
    fn sitemap_product_files_have_one_address_each() {
        assert_eq!(super::sitemap_products(7), "/sitemaps/products-7.xml");
        assert_eq!(super::sitemap_products_number("products-7.xml"), Some(7));
        assert_eq!(super::sitemap_products_number("products-120.xml"), Some(120));
        for name in [
            "products-0.xml",
            "products-07.xml",
            "products-+7.xml",
            "products--7.xml",
            "products-.xml",
            "products-abc.xml",
            "products-1.xml.gz",
            "products-1.XML",
            "products-1",
            "products- 1.xml",
            "products-١.xml",
            "products-99999999999999999999.xml",
            "pages.xml",
        ] {
            assert_eq!(super::sitemap_products_number(name), None, "{name}");
        }
        assert_eq!(super::sitemap_products_number(&format!("products-{}.xml", i64::MAX)), Some(i64::MAX));
    }

    #[test]
    fn an_add_note_replaces_the_last_one() {
        assert_eq!(super::with_added("/products/x", 3), "/products/x?added=3");
        assert_eq!(super::with_added("/products?page=2&added=1", 3), "/products?page=2&added=3");
    }
}
