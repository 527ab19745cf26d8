package run

// A CallOption adjusts one run of a [Runner] (see [Runner.Run]).
type CallOption func(*callOptions)

type callOptions struct {
	conversationID string
}

// InConversation continues the conversation of that id (for example a
// previous [Result.ConversationID]) instead of starting a new one: a chat
// loop keeps one Runner, and with it its MCP servers.
func InConversation(id string) CallOption {
	return func(c *callOptions) { c.conversationID = id }
}

func callConfig(opts []CallOption) callOptions {
	var c callOptions
	for _, o := range opts {
		o(&c)
	}
	return c
}
