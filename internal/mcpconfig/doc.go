// Package mcpconfig reads the MCP server lists that MCP clients keep in
// their own config files — Claude Desktop, Claude Code, Cursor, Cline,
// Windsurf, VS Code, Gemini CLI, Zed, Codex, Goose and Continue — as each
// client documents them, and mcprun's own mcprun.json.
//
// [Load] is the one entry point: it detects the format from the file's
// name and shape, reads it strictly (an unknown key, a wrong type, or a
// server with both a command and a url is an [*Error] naming the file and
// the key, with a did-you-mean), expands the format's variables, and
// returns the servers that would start and those it left out, with why.
//
// The package reads no environment of its own: the caller passes the
// variables ([Options].Getenv), the user's home and the VS Code input
// values.
package mcpconfig
