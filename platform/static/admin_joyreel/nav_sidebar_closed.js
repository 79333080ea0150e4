// The admin's navigation sidebar starts closed: Django's sidebar script (deferred, so it runs after this
// classic script) reads this key; someone who opens the sidebar with its button keeps it open.
{
  const storage = globalThis.localStorage;
  if (storage.getItem("django.admin.navSidebarIsOpen") === null) {
    storage.setItem("django.admin.navSidebarIsOpen", "false");
  }
}
