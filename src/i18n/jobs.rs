//! The back office's jobs page: the task queue as an admin watches it.

use crate::model::jobs::JobState;

pub struct JobsTexts {
    pub nav_jobs: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// Names the row of state filters.
    pub filter_by_state: &'static str,
    pub all_states: &'static str,
    pub state_name: fn(JobState) -> &'static str,
    /// A job kind's name; an unknown kind is shown as stored.
    pub kind_name: fn(&str) -> Option<&'static str>,
    pub col_job: &'static str,
    pub col_state: &'static str,
    pub col_attempts: &'static str,
    pub col_progress: &'static str,
    pub col_times: &'static str,
    pub col_actions: &'static str,
    /// "2 of 5".
    pub attempts_of: fn(i64, i64) -> String,
    pub retry: &'static str,
    pub cancel: &'static str,
    /// Names a row's buttons for screen readers: given the job's number.
    pub retry_named: fn(i64) -> String,
    pub cancel_named: fn(i64) -> String,
    pub queued_at: &'static str,
    pub next_try_at: &'static str,
    pub finished_at: &'static str,
    pub last_error: &'static str,
    pub no_jobs: &'static str,
    pub older: &'static str,
    pub live_note: &'static str,
    pub reload_note: &'static str,
    // Exports in the back office (the dashboard).
    pub exports_heading: &'static str,
    pub exports_note: &'static str,
    pub export_catalog: &'static str,
    pub export_orders: &'static str,
    pub backup_now: &'static str,
    pub backup_note: &'static str,
    pub from_day: &'static str,
    pub to_day: &'static str,
    // The inbox, and "export my data" on the account page.
    pub inbox: &'static str,
    /// Read after "Inbox" by screen readers: given how many files are new.
    pub inbox_new: fn(i64) -> String,
    pub inbox_description: &'static str,
    pub inbox_empty: &'static str,
    pub new_file: &'static str,
    /// Given the size in bytes.
    pub file_size: fn(i64) -> String,
    pub expires: &'static str,
    pub download: &'static str,
    pub my_data_heading: &'static str,
    pub my_data_note: &'static str,
    pub export_my_data: &'static str,
    pub export_queued: &'static str,
    /// The latest request's state: given its state and when it was asked for.
    pub my_data_status: fn(JobState, &str) -> String,
}

fn size_text(bytes: i64, kb: &str, mb: &str) -> String {
    #[allow(clippy::cast_precision_loss)]
    let kib = bytes as f64 / 1024.0;
    if kib < 1024.0 {
        format!("{:.0} {kb}", kib.max(1.0))
    } else {
        format!("{:.1} {mb}", kib / 1024.0)
    }
}

pub static EN: JobsTexts = JobsTexts {
    nav_jobs: "Jobs",
    title: "Background jobs",
    description: "E-mails, exports and housekeeping the store runs in the background.",
    filter_by_state: "Show jobs",
    all_states: "All",
    state_name: |state| match state {
        JobState::Queued => "Queued",
        JobState::Running => "Running",
        JobState::Done => "Done",
        JobState::Dead => "Failed for good",
        JobState::Cancelled => "Cancelled",
    },
    kind_name: |kind| match kind {
        "order_email" => Some("Order e-mail"),
        "housekeeping" => Some("Housekeeping"),
        "catalog_export" => Some("Catalog export"),
        "orders_export" => Some("Orders export"),
        "account_export" => Some("Personal data export"),
        "backup" => Some("Backup"),
        _ => None,
    },
    col_job: "Job",
    col_state: "State",
    col_attempts: "Attempts",
    col_progress: "Progress",
    col_times: "When",
    col_actions: "Actions",
    attempts_of: |made, max| format!("{made} of {max}"),
    retry: "Retry",
    cancel: "Cancel",
    retry_named: |id| format!("Retry job {id}"),
    cancel_named: |id| format!("Cancel job {id}"),
    queued_at: "Queued",
    next_try_at: "Next try",
    finished_at: "Finished",
    last_error: "Last error",
    no_jobs: "No jobs here.",
    older: "Older jobs",
    live_note: "This list updates by itself while it is open.",
    reload_note: "Reload the page to see the latest state.",
    exports_heading: "Exports",
    exports_note: "Exports are made in the background; the file arrives in your inbox and by e-mail.",
    export_catalog: "Export the catalog (CSV)",
    export_orders: "Export orders (CSV)",
    backup_now: "Back up now",
    backup_note: "A ZIP of the database and the pictures, to keep somewhere safe. It holds every account's data: store it as carefully as the store itself.",
    from_day: "From",
    to_day: "To",
    inbox: "Inbox",
    inbox_new: |n| format!(", {n} new"),
    inbox_description: "The files you asked for, ready to download for a week.",
    inbox_empty: "Nothing here yet. Exports you ask for arrive here and by e-mail.",
    new_file: "New",
    file_size: |bytes| size_text(bytes, "KB", "MB"),
    expires: "Available until",
    download: "Download",
    my_data_heading: "Your data",
    my_data_note:
        "Get a ZIP file of your account, your orders and your picture. We e-mail you a link when it is ready.",
    export_my_data: "Export my data",
    export_queued: "We are preparing your file. We will e-mail you a link when it is ready.",
    my_data_status: |state, at| match state {
        JobState::Queued | JobState::Running => format!("Your export asked for on {at} is being prepared."),
        JobState::Done => format!("Your export asked for on {at} is ready in your inbox."),
        JobState::Dead | JobState::Cancelled => {
            format!("Your export asked for on {at} could not be made. Please ask again.")
        }
    },
};

pub static ES: JobsTexts = JobsTexts {
    nav_jobs: "Tareas",
    title: "Tareas en segundo plano",
    description: "Correos, exportaciones y limpieza que la tienda hace en segundo plano.",
    filter_by_state: "Mostrar tareas",
    all_states: "Todas",
    state_name: |state| match state {
        JobState::Queued => "En cola",
        JobState::Running => "En curso",
        JobState::Done => "Hecha",
        JobState::Dead => "Fallida",
        JobState::Cancelled => "Cancelada",
    },
    kind_name: |kind| match kind {
        "order_email" => Some("Correo de pedido"),
        "housekeeping" => Some("Limpieza"),
        "catalog_export" => Some("Exportación del catálogo"),
        "orders_export" => Some("Exportación de pedidos"),
        "account_export" => Some("Exportación de datos personales"),
        "backup" => Some("Copia de seguridad"),
        _ => None,
    },
    col_job: "Tarea",
    col_state: "Estado",
    col_attempts: "Intentos",
    col_progress: "Progreso",
    col_times: "Cuándo",
    col_actions: "Acciones",
    attempts_of: |made, max| format!("{made} de {max}"),
    retry: "Reintentar",
    cancel: "Cancelar",
    retry_named: |id| format!("Reintentar la tarea {id}"),
    cancel_named: |id| format!("Cancelar la tarea {id}"),
    queued_at: "En cola desde",
    next_try_at: "Próximo intento",
    finished_at: "Terminada",
    last_error: "Último error",
    no_jobs: "No hay tareas aquí.",
    older: "Tareas anteriores",
    live_note: "Esta lista se actualiza sola mientras está abierta.",
    reload_note: "Recarga la página para ver el estado más reciente.",
    exports_heading: "Exportaciones",
    exports_note: "Las exportaciones se hacen en segundo plano; el archivo llega a tu bandeja y por correo.",
    export_catalog: "Exportar el catálogo (CSV)",
    export_orders: "Exportar pedidos (CSV)",
    backup_now: "Hacer una copia de seguridad",
    backup_note: "Un ZIP de la base de datos y las imágenes, para guardarlo en un lugar seguro. Contiene los datos de todas las cuentas: guárdalo con el mismo cuidado que la tienda.",
    from_day: "Desde",
    to_day: "Hasta",
    inbox: "Bandeja",
    inbox_new: |n| if n == 1 { ", 1 nuevo".to_owned() } else { format!(", {n} nuevos") },
    inbox_description: "Los archivos que pediste, listos para descargar durante una semana.",
    inbox_empty: "Aún no hay nada. Las exportaciones que pidas llegan aquí y por correo.",
    new_file: "Nuevo",
    file_size: |bytes| size_text(bytes, "KB", "MB"),
    expires: "Disponible hasta",
    download: "Descargar",
    my_data_heading: "Tus datos",
    my_data_note:
        "Obtén un archivo ZIP con tu cuenta, tus pedidos y tu foto. Te enviamos un enlace por correo cuando esté listo.",
    export_my_data: "Exportar mis datos",
    export_queued: "Estamos preparando tu archivo. Te enviaremos un enlace por correo cuando esté listo.",
    my_data_status: |state, at| match state {
        JobState::Queued | JobState::Running => format!("Tu exportación pedida el {at} se está preparando."),
        JobState::Done => format!("Tu exportación pedida el {at} está lista en tu bandeja."),
        JobState::Dead | JobState::Cancelled => {
            format!("Tu exportación pedida el {at} no se pudo hacer. Pídela de nuevo.")
        }
    },
};
