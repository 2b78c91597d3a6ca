"""Parts of the main window that are more than layout: the duty bar in its header
(``duty_bar``) and the backups behind the 文件 menu and the status bar (``backup_menu``).
``desk.ui.main_window`` assembles them with the tabs and the navigation between them."""
