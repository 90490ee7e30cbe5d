//! Texts of accounts: sign-in, registration, the account page, the header's account menu, and
//! the messages next to form fields.

use crate::error::FieldIssue;
use crate::model::catalog_edit::PRICE_MAX;

pub struct AccountTexts {
    pub sign_in: &'static str,
    pub sign_in_title: &'static str,
    pub sign_in_description: &'static str,
    pub no_account: &'static str,
    pub register: &'static str,
    pub register_title: &'static str,
    pub register_description: &'static str,
    pub have_account: &'static str,
    pub sign_out: &'static str,
    pub account: &'static str,
    pub account_title: &'static str,
    pub account_description: &'static str,
    /// The header's link to the account page, given the person's name.
    pub signed_in_as: fn(&str) -> String,
    pub name: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub password_hint: fn(usize) -> String,
    pub avatar: &'static str,
    pub avatar_hint: &'static str,
    pub role: &'static str,
    pub role_admin: &'static str,
    pub role_customer: &'static str,
    pub profile_heading: &'static str,
    pub save_profile: &'static str,
    pub profile_saved: &'static str,
    pub password_heading: &'static str,
    pub current_password: &'static str,
    pub new_password: &'static str,
    pub change_password: &'static str,
    pub password_changed: &'static str,
    pub working: &'static str,
    pub picture_heading: &'static str,
    pub picture_alt: &'static str,
    pub picture_file: &'static str,
    /// Given the size limit in bytes.
    pub picture_hint: fn(u64) -> String,
    pub upload_picture: &'static str,
    pub picture_saved: &'static str,
    /// The sign-in page's link to [`Self::forgot_title`]'s page.
    pub forgot_link: &'static str,
    pub forgot_title: &'static str,
    pub forgot_description: &'static str,
    pub forgot_intro: &'static str,
    pub send_link: &'static str,
    pub link_sent: &'static str,
    pub reset_title: &'static str,
    pub reset_description: &'static str,
    pub save_new_password: &'static str,
    pub ask_new_link: &'static str,
    /// On the sign-in page, after a new password was set through a link.
    pub password_was_reset: &'static str,
    pub issue: fn(FieldIssue) -> String,
}

pub(super) static EN: AccountTexts = AccountTexts {
    sign_in: "Sign in",
    sign_in_title: "Sign in to your account",
    sign_in_description: "Sign in to Tienda to see your account.",
    no_account: "New to Tienda?",
    register: "Create an account",
    register_title: "Create your account",
    register_description: "Create a Tienda account.",
    have_account: "Already have an account?",
    sign_out: "Sign out",
    account: "Account",
    account_title: "Your account",
    account_description: "Your Tienda profile and password.",
    signed_in_as: |name| format!("Signed in as {name}"),
    name: "Name",
    email: "Email",
    password: "Password",
    password_hint: |min| format!("At least {min} characters."),
    avatar: "Avatar image (link)",
    avatar_hint: "Optional: an https:// link to a picture.",
    role: "Role",
    role_admin: "Administrator",
    role_customer: "Customer",
    profile_heading: "Profile",
    save_profile: "Save profile",
    profile_saved: "Your profile was saved.",
    password_heading: "Password",
    current_password: "Current password",
    new_password: "New password",
    change_password: "Change password",
    password_changed: "Your password was changed. Your other devices were signed out.",
    working: "Please wait…",
    picture_heading: "Picture",
    picture_alt: "Your picture",
    picture_file: "Upload a picture",
    picture_hint: |max| format!("PNG, JPEG, WebP or GIF, up to {}.", super::common::megabytes(max)),
    upload_picture: "Upload picture",
    picture_saved: "Your picture was updated.",
    forgot_link: "Forgot your password?",
    forgot_title: "Forgot your password?",
    forgot_description: "Ask Tienda for a link to choose a new password.",
    forgot_intro: "Enter the email of your account, and we will send you a link to choose a new password.",
    send_link: "Send the link",
    link_sent: "If an account uses that email, a link to choose a new password is on its way. It works for an hour. \
                If it does not arrive in a few minutes, look in your spam folder.",
    reset_title: "Choose a new password",
    reset_description: "Choose a new password for your Tienda account.",
    save_new_password: "Save the new password",
    ask_new_link: "Ask for a new link",
    password_was_reset: "Your password was changed, and every device signed out. Sign in with the new one.",
    issue: |issue| match issue {
        FieldIssue::Required => "This field is required.".into(),
        FieldIssue::TooShort { min } => format!("Use at least {min} characters."),
        FieldIssue::TooLong { max } => format!("Use at most {max} characters."),
        FieldIssue::InvalidEmail => "Enter an email address like name@example.com.".into(),
        FieldIssue::EmailTaken => "An account with this email already exists. Sign in instead?".into(),
        FieldIssue::InvalidUrl => "Enter a link starting with https://.".into(),
        FieldIssue::WrongPassword => "That is not your current password.".into(),
        FieldIssue::PasswordUnchanged => "Choose a password different from the current one.".into(),
        FieldIssue::LinkExpired => {
            "This link no longer works: it was used, or it is over an hour old. Ask for a new one.".into()
        }
        FieldIssue::InvalidCharacters => "Remove the invisible control characters from this text.".into(),
        FieldIssue::NotVisibleAscii => "Use only letters, digits and punctuation, without spaces or accents.".into(),
        FieldIssue::InvalidNumber => "Enter a number, like 12 or 12.50.".into(),
        FieldIssue::NotWholeNumber => "Enter a whole number, like 12.".into(),
        FieldIssue::NotPositive => "Enter an amount above zero.".into(),
        FieldIssue::TooManyDecimals => "Use at most two decimals, like 12.50.".into(),
        FieldIssue::PriceTooHigh => format!("Enter at most {}.", PRICE_MAX.decimal()),
        FieldIssue::OutOfRange { min, max } => format!("Enter a whole number from {min} to {max}."),
        FieldIssue::TooMany { max } => format!("Use at most {max}."),
        FieldIssue::NeedsLetters => "Use at least one Latin letter (a to z, accents allowed) or digit.".into(),
        FieldIssue::UnknownCategory => "Choose one of the categories in the list.".into(),
        FieldIssue::NameTaken => "Another item already has this name (or one that makes the same web address).".into(),
        FieldIssue::PaymentDoesNotFit => "Pay at pickup goes with pickup, cash on delivery with delivery.".into(),
        FieldIssue::InvalidPhone => "Enter a phone number, like +57 300 123 4567.".into(),
        FieldIssue::UnknownProduct => "That product is not sold in the store.".into(),
        FieldIssue::UnknownStore => "Choose one of the stores in the list.".into(),
        FieldIssue::NotEnoughStock { available: 0 } => "Sold out.".into(),
        FieldIssue::NotEnoughStock { available } => format!("Only {available} left."),
        FieldIssue::CartFull { max } => {
            format!("Your cart holds {max} different products, the most one order can have.")
        }
        FieldIssue::AllInCart { in_cart } => format!("Your cart already holds all {in_cart} left."),
        FieldIssue::NoSuchFile => {
            "That address names none of the store's files that can be shown here: upload the image, or link to \
             one elsewhere."
                .into()
        }
        FieldIssue::InvalidDate => "Enter a date, like 2026-12-31.".into(),
        FieldIssue::BadDateRange { max_days } => {
            format!("The end must be on or after the start, at most {max_days} days later.")
        }
    },
};

pub(super) static ES: AccountTexts = AccountTexts {
    sign_in: "Iniciar sesión",
    sign_in_title: "Inicia sesión en tu cuenta",
    sign_in_description: "Inicia sesión en Tienda para ver tu cuenta.",
    no_account: "¿Eres nuevo en Tienda?",
    register: "Crear una cuenta",
    register_title: "Crea tu cuenta",
    register_description: "Crea una cuenta en Tienda.",
    have_account: "¿Ya tienes una cuenta?",
    sign_out: "Cerrar sesión",
    account: "Cuenta",
    account_title: "Tu cuenta",
    account_description: "Tu perfil y tu contraseña de Tienda.",
    signed_in_as: |name| format!("Sesión iniciada como {name}"),
    name: "Nombre",
    email: "Correo electrónico",
    password: "Contraseña",
    password_hint: |min| format!("Al menos {min} caracteres."),
    avatar: "Imagen de perfil (enlace)",
    avatar_hint: "Opcional: un enlace https:// a una imagen.",
    role: "Rol",
    role_admin: "Administrador",
    role_customer: "Cliente",
    profile_heading: "Perfil",
    save_profile: "Guardar perfil",
    profile_saved: "Tu perfil se guardó.",
    password_heading: "Contraseña",
    current_password: "Contraseña actual",
    new_password: "Contraseña nueva",
    change_password: "Cambiar contraseña",
    password_changed: "Tu contraseña se cambió. Se cerró la sesión en tus otros dispositivos.",
    working: "Un momento…",
    picture_heading: "Foto",
    picture_alt: "Tu foto",
    picture_file: "Sube una foto",
    picture_hint: |max| format!("PNG, JPEG, WebP o GIF, hasta {}.", super::common::megabytes(max)),
    upload_picture: "Subir foto",
    picture_saved: "Tu foto se actualizó.",
    forgot_link: "¿Olvidaste tu contraseña?",
    forgot_title: "¿Olvidaste tu contraseña?",
    forgot_description: "Pide a Tienda un enlace para elegir una contraseña nueva.",
    forgot_intro: "Escribe el correo de tu cuenta y te enviaremos un enlace para elegir una contraseña nueva.",
    send_link: "Enviar el enlace",
    link_sent: "Si una cuenta usa ese correo, le estamos enviando un enlace para elegir una contraseña nueva. \
                Funciona durante una hora. Si no llega en unos minutos, mira en la carpeta de spam.",
    reset_title: "Elige una contraseña nueva",
    reset_description: "Elige una contraseña nueva para tu cuenta de Tienda.",
    save_new_password: "Guardar la contraseña nueva",
    ask_new_link: "Pedir un enlace nuevo",
    password_was_reset:
        "Tu contraseña cambió y se cerró la sesión en todos los dispositivos. Inicia sesión con la nueva.",
    issue: |issue| match issue {
        FieldIssue::Required => "Este campo es obligatorio.".into(),
        FieldIssue::TooShort { min } => format!("Usa al menos {min} caracteres."),
        FieldIssue::TooLong { max } => format!("Usa como máximo {max} caracteres."),
        FieldIssue::InvalidEmail => "Escribe un correo como nombre@ejemplo.com.".into(),
        FieldIssue::EmailTaken => "Ya existe una cuenta con este correo. ¿Quieres iniciar sesión?".into(),
        FieldIssue::InvalidUrl => "Escribe un enlace que empiece con https://.".into(),
        FieldIssue::WrongPassword => "Esa no es tu contraseña actual.".into(),
        FieldIssue::PasswordUnchanged => "Elige una contraseña distinta de la actual.".into(),
        FieldIssue::LinkExpired => "Este enlace ya no funciona: se usó o tiene más de una hora. Pide uno nuevo.".into(),
        FieldIssue::InvalidCharacters => "Quita los caracteres de control invisibles de este texto.".into(),
        FieldIssue::NotVisibleAscii => "Usa solo letras, dígitos y signos, sin espacios ni tildes.".into(),
        FieldIssue::InvalidNumber => "Escribe un número, como 12 o 12.50.".into(),
        FieldIssue::NotWholeNumber => "Escribe un número entero, como 12.".into(),
        FieldIssue::NotPositive => "Escribe un importe mayor que cero.".into(),
        FieldIssue::TooManyDecimals => "Usa como máximo dos decimales, como 12.50.".into(),
        FieldIssue::PriceTooHigh => format!("Escribe como máximo {}.", PRICE_MAX.decimal()),
        FieldIssue::OutOfRange { min, max } => format!("Escribe un número entero de {min} a {max}."),
        FieldIssue::TooMany { max } => format!("Usa como máximo {max}."),
        FieldIssue::NeedsLetters => {
            "Usa al menos una letra latina (de la a a la z, con o sin tilde) o un dígito.".into()
        }
        FieldIssue::UnknownCategory => "Elige una de las categorías de la lista.".into(),
        FieldIssue::NameTaken => "Otro elemento ya tiene este nombre (o uno que genera la misma dirección web).".into(),
        FieldIssue::PaymentDoesNotFit => {
            "El pago al recoger va con la recogida; el pago contra entrega, con el envío.".into()
        }
        FieldIssue::InvalidPhone => "Escribe un número de teléfono, como +57 300 123 4567.".into(),
        FieldIssue::UnknownProduct => "Ese producto no se vende en la tienda.".into(),
        FieldIssue::UnknownStore => "Elige una de las tiendas de la lista.".into(),
        FieldIssue::NotEnoughStock { available: 0 } => "Agotado.".into(),
        FieldIssue::NotEnoughStock { available } => format!("Solo quedan {available}."),
        FieldIssue::CartFull { max } => format!("Tu carrito tiene {max} productos distintos, el máximo de un pedido."),
        FieldIssue::AllInCart { in_cart } => format!("Tu carrito ya tiene las {in_cart} unidades que quedan."),
        FieldIssue::NoSuchFile => {
            "Esa dirección no corresponde a ningún archivo de la tienda que se pueda mostrar aquí: sube la imagen \
             o enlaza una de otro sitio."
                .into()
        }
        FieldIssue::InvalidDate => "Escribe una fecha, como 2026-12-31.".into(),
        FieldIssue::BadDateRange { max_days } => {
            format!("El final debe ser el mismo día del inicio o posterior, como mucho {max_days} días después.")
        }
    },
};
