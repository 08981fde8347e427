#ifndef CNCURSESW_SHIM_H
#define CNCURSESW_SHIM_H
/* Debian ships one curses.h; the wide-character API is visible only with NCURSES_WIDECHAR. */
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wchar.h>
#include <ncursesw/curses.h>

/* Swift's Glibc module is built without _XOPEN_SOURCE, so wcwidth is not visible there. */
extern int wcwidth(wchar_t c);

/* Function-like macros are not imported by Swift: wrap them. */
static inline int cn_getmaxy(WINDOW *w) { return getmaxy(w); }
static inline int cn_getmaxx(WINDOW *w) { return getmaxx(w); }
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_colors(void) { return COLORS; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_italic(void) { return A_ITALIC; }
static inline mmask_t cn_all_mouse_events(void) { return ALL_MOUSE_EVENTS | REPORT_MOUSE_POSITION; }
static inline mmask_t cn_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t cn_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t cn_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t cn_button5_pressed(void) { return BUTTON5_PRESSED; }

/* One wide character with attributes and an extended colour pair (> 255). */
static inline int cn_put_wch(WINDOW *w, int y, int x, const wchar_t *wcs, attr_t attrs, int pair) {
    cchar_t cc;
    if (setcchar(&cc, wcs, attrs, 0, &pair) != OK) return ERR;
    return mvwadd_wch(w, y, x, &cc);
}
static inline int cn_attr_set(WINDOW *w, attr_t attrs, int pair) { return wattr_set(w, attrs, 0, &pair); }

/* newterm() returns NULL on an unknown TERM where initscr() would exit(). */
static inline SCREEN *cn_newterm_stdio(const char *term) { return newterm(term, stdout, stdin); }
static inline int cn_codeset_is_utf8(void) { return strcmp(nl_langinfo(CODESET), "UTF-8") == 0; }
#endif
