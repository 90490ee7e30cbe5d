//! The back office's accounts: roles, deactivation, search, and the rules that keep a store from
//! locking itself out.

use crate::common;

use common::back_office::{admin, count, customer, signed_in};
use common::visitor::Visitor;
use common::{spawn_seeded, Backend, TestApp};

on_both_backends!(
    an_admin_promotes_a_customer_who_can_then_use_the_back_office,
    deactivating_ends_every_session_at_once_and_blocks_sign_in,
    an_admin_cannot_demote_or_deactivate_themselves,
    admins_turning_on_each_other_at_once_leave_one_admin,
    customers_cannot_change_accounts,
    users_can_be_searched_by_name_or_email,
);

async fn id_of_user(app: &TestApp, email: &str) -> String {
    count(app, &format!("SELECT id FROM users WHERE email = '{email}'")).await.to_string()
}

async fn role_of(app: &TestApp, email: &str) -> String {
    let sql = "SELECT role FROM users WHERE email = $1";
    tienda::server::db::with_reader!(app.db.reader(), pool => sqlx::query_scalar(sql).bind(email).fetch_one(pool).await)
        .unwrap()
}

async fn an_admin_promotes_a_customer_who_can_then_use_the_back_office(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let mut john = customer(&app).await;
    assert_eq!(john.get("/admin").await.status, 403);

    let john_id = id_of_user(&app, "john@mail.com").await;
    let answer = staff.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "admin")]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert_eq!(role_of(&app, "john@mail.com").await, "admin");
    let admin_id = id_of_user(&app, "admin@mail.com").await;
    assert_eq!(
        count(&app, &format!("SELECT updated_by FROM users WHERE id = {john_id}")).await.to_string(),
        admin_id,
        "who changed it"
    );
    assert_eq!(john.get("/admin").await.status, 200, "the new role applies to the open session at once");

    let back = staff.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "customer")]).await;
    assert_eq!(back.status, 200);
    assert_eq!(john.get("/admin").await.status, 403);
    let bad = staff.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "owner")]).await;
    assert_eq!(bad.status, 400, "an unknown role: {}", bad.body);
    let nobody = staff.post("/rpc/admin/users/role", &[("user_id", "99999"), ("role", "admin")]).await;
    assert_eq!(nobody.status, 404);
}

async fn deactivating_ends_every_session_at_once_and_blocks_sign_in(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let mut john = customer(&app).await;
    let mut johns_phone = customer(&app).await;
    let john_id = id_of_user(&app, "john@mail.com").await;

    let answer = staff.post("/rpc/admin/users/active", &[("user_id", john_id.as_str()), ("active", "false")]).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    for session in [&mut john, &mut johns_phone] {
        let page = session.get("/account").await;
        assert_eq!(page.status, 303, "signed out on every device");
        assert_eq!(session.fetch("/rpc/me").await.body, "null");
    }
    let mut again = Visitor::new(&app.base);
    let refused = again.sign_in("john@mail.com", "changeme").await;
    assert_eq!(refused.status, 403, "a deactivated account cannot sign in: {}", refused.body);
    let wrong = Visitor::new(&app.base).sign_in("john@mail.com", "not-his-password").await;
    assert_eq!(wrong.status, 401, "without the password, nothing says the account is deactivated");
    assert!(staff.get("/admin/users?q=john").await.body.contains("Deactivated"));

    let answer = staff.post("/rpc/admin/users/active", &[("user_id", john_id.as_str()), ("active", "true")]).await;
    assert_eq!(answer.status, 200);
    let mut john = signed_in(&app, "john@mail.com", "changeme").await;
    assert_eq!(john.get("/account").await.status, 200, "reactivated: signing in works again");
    let repeated = staff.post("/rpc/admin/users/active", &[("user_id", john_id.as_str()), ("active", "true")]).await;
    assert_eq!(repeated.status, 200, "a repeated click is fine");
    assert_eq!(john.get("/account").await.status, 200, "and does not sign an active person out");
}

async fn an_admin_cannot_demote_or_deactivate_themselves(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let me = id_of_user(&app, "admin@mail.com").await;
    let demote = staff.post("/rpc/admin/users/role", &[("user_id", me.as_str()), ("role", "customer")]).await;
    assert_eq!(demote.status, 409, "{}", demote.body);
    assert!(demote.body.contains("OwnAccount"));
    let deactivate = staff.post("/rpc/admin/users/active", &[("user_id", me.as_str()), ("active", "false")]).await;
    assert_eq!(deactivate.status, 409);
    assert_eq!(role_of(&app, "admin@mail.com").await, "admin");
    assert_eq!(staff.get("/admin").await.status, 200, "still signed in, still an admin");

    // Without JavaScript the users page comes back saying why.
    let back = staff
        .submit_form("/rpc/admin/users/active", "/admin/users", &[("user_id", me.as_str()), ("active", "false")])
        .await;
    let location = back.headers["location"].to_str().unwrap().trim_start_matches(&app.base).to_owned();
    let page = staff.get(&location).await;
    assert!(page.body.contains("You cannot remove your own administrator role or deactivate yourself"));
}

/// Three admins, each demoting or deactivating the other two at the same moment: whatever the
/// order, an admin acts only while still one, so the store keeps someone able to run it.
async fn admins_turning_on_each_other_at_once_leave_one_admin(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let (a, j, m) = (
        id_of_user(&app, "admin@mail.com").await,
        id_of_user(&app, "john@mail.com").await,
        id_of_user(&app, "maria@mail.com").await,
    );
    for id in [&j, &m] {
        let promoted = staff.post("/rpc/admin/users/role", &[("user_id", id.as_str()), ("role", "admin")]).await;
        assert_eq!(promoted.status, 200, "{}", promoted.body);
    }
    let (mut a1, mut a2) = (admin(&app).await, admin(&app).await);
    let (mut j1, mut j2) = (customer(&app).await, customer(&app).await);
    let (mut m1, mut m2) =
        (signed_in(&app, "maria@mail.com", "12345").await, signed_in(&app, "maria@mail.com", "12345").await);
    // Each form's fields, owned, then borrowed as the posts take them.
    let deactivate = |id: &str| [("user_id", id.to_owned()), ("active", "false".to_owned())];
    let demote = |id: &str| [("user_id", id.to_owned()), ("role", "customer".to_owned())];
    let owned = [deactivate(&j), demote(&m), deactivate(&a), demote(&m), deactivate(&a), demote(&j)];
    let [a_j, a_m, j_a, j_m, m_a, m_j] =
        owned.each_ref().map(|fields| fields.each_ref().map(|(k, v)| (*k, v.as_str())));
    let answers = tokio::join!(
        a1.post("/rpc/admin/users/active", &a_j),
        a2.post("/rpc/admin/users/role", &a_m),
        j1.post("/rpc/admin/users/active", &j_a),
        j2.post("/rpc/admin/users/role", &j_m),
        m1.post("/rpc/admin/users/active", &m_a),
        m2.post("/rpc/admin/users/role", &m_j),
    );
    let statuses =
        [answers.0.status, answers.1.status, answers.2.status, answers.3.status, answers.4.status, answers.5.status];
    assert!(statuses.iter().all(|status| [200, 401, 403].contains(status)), "{statuses:?}");
    assert!(statuses.contains(&200), "someone acted first: {statuses:?}");
    let admins = count(&app, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND active = TRUE").await;
    assert!(admins >= 1, "an active admin is left: {statuses:?}");
}

async fn customers_cannot_change_accounts(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut john = customer(&app).await;
    let john_id = id_of_user(&app, "john@mail.com").await;
    let promote = john.post("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "admin")]).await;
    assert_eq!(promote.status, 403);
    let admin_id = id_of_user(&app, "admin@mail.com").await;
    let lockout = john.post("/rpc/admin/users/active", &[("user_id", admin_id.as_str()), ("active", "false")]).await;
    assert_eq!(lockout.status, 403);
    let anonymous = Visitor::new(&app.base).post("/rpc/admin/users/role", &[("user_id", "1"), ("role", "admin")]).await;
    assert_eq!(anonymous.status, 401);
    let forged =
        john.post_from_elsewhere("/rpc/admin/users/role", &[("user_id", john_id.as_str()), ("role", "admin")]).await;
    assert_eq!(forged.status, 403, "a cross-site post is refused before anything else");
    assert_eq!(role_of(&app, "john@mail.com").await, "customer");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users WHERE NOT active").await, 0);
}

async fn users_can_be_searched_by_name_or_email(backend: Backend) {
    let app = spawn_seeded(backend).await;
    let mut staff = admin(&app).await;
    let table = |body: &str| serde_json::from_str::<serde_json::Value>(body).unwrap();
    let found = table(&staff.fetch("/rpc/admin/users?q=JOHN").await.body);
    assert_eq!(found["total"], 1);
    assert_eq!(found["rows"][0]["user"]["email"], "john@mail.com");
    assert!(found["rows"][0]["user"].get("password_hash").is_none());
    let everyone = table(&staff.fetch("/rpc/admin/users").await.body);
    assert_eq!(everyone["total"], 3);
    // LIKE wildcards typed into the search are matched as themselves.
    assert_eq!(table(&staff.fetch("/rpc/admin/users?q=%25").await.body)["total"], 0);
    assert_eq!(table(&staff.fetch("/rpc/admin/users?q=_").await.body)["total"], 0);
}
