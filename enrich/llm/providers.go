package llm

// builtin is weir's AI/LLM catalog; data/SOURCE.md names where the facts come
// from. Domains match the name and every subdomain on a label boundary; Hosts
// match one name exactly (shared platforms such as azureedge.net or
// githubusercontent.com, where only that host is the provider's).
var builtin = []Provider{
	{
		Name: "OpenAI",
		Domains: []string{"openai.com", "chatgpt.com", "chat.com", "chatgpt.site", "oaistatic.com", "oaistatsig.com",
			"oaiusercontent.com", "sora.com", "crixet.com", "openai.com.cdn.cloudflare.net", "chatgpt.livekit.cloud"},
		Hosts: []string{"openaiapi-site.azureedge.net", "openaiassets.blob.core.windows.net",
			"openaicom.imgix.net", "openaicomproductionae4b.blob.core.windows.net",
			"production-openaicom-storage.azureedge.net"},
	},
	{
		Name: "Anthropic",
		Domains: []string{"anthropic.com", "claude.ai", "claude.com", "clau.de", "claudeusercontent.com",
			"claudemcpclient.com", "claudemcpcontent.com"},
		Hosts: []string{"servd-anthropic-website.b-cdn.net"},
	},
	{
		Name: "Google Gemini",
		Domains: []string{"gemini.google.com", "gemini.google", "gemini.gstatic.com", "bard.google.com",
			"generativelanguage.googleapis.com", "aistudio.google.com", "makersuite.google.com", "ai.studio",
			"generativeai.google", "deepmind.com", "deepmind.google", "notebooklm.google.com", "notebooklm.google",
			"aicode.googleapis.com", "aida.googleapis.com", "aisandbox-pa.googleapis.com", "jules.google.com",
			"jules.google", "notebook.google.com", "labs.google", "labs.google.com", "flow.google", "opal.google",
			"opal.google.com", "antigravity.google", "antigravity-unleash.goog", "stitch.withgoogle.com",
			"geller-pa.googleapis.com", "proactivebackend-pa.googleapis.com", "robinfrontend-pa.googleapis.com"},
		Hosts: []string{"ai.google.dev", "alkalimakersuite-pa.clients6.google.com",
			"webchannel-alkalimakersuite-pa.clients6.google.com", "cloudaicompanion.googleapis.com",
			"notebooklm.googleapis.com", "notebooklm-pa.googleapis.com", "alkalicore-pa.clients6.google.com",
			"cloudcode-pa.googleapis.com", "daily-cloudcode-pa.googleapis.com", "antigravity-pa.googleapis.com",
			"antigravity.googleapis.com"},
	},
	// Azure OpenAI Service: every resource is <name>.openai.azure.com (Microsoft's
	// Azure OpenAI REST reference). Often the sanctioned one, so kept apart from OpenAI.
	{Name: "Azure OpenAI", Domains: []string{"openai.azure.com"}},
	{Name: "xAI Grok", Domains: []string{"x.ai", "grok.com", "grok.x.com", "grokipedia.com"}},
	{Name: "Mistral", Domains: []string{"mistral.ai"}},
	{Name: "DeepSeek", Domains: []string{"deepseek.com"}},
	{
		Name:    "Perplexity",
		Domains: []string{"perplexity.ai", "perplexity.com", "pplx.ai"},
		Hosts:   []string{"ppl-ai-file-upload.s3.amazonaws.com", "pplx-res.cloudinary.com"},
	},
	{Name: "Groq", Domains: []string{"groq.com"}},
	{Name: "Hugging Face", Domains: []string{"huggingface.co", "hf.co", "hf.space"}},
	{
		Name:    "GitHub Copilot",
		Domains: []string{"githubcopilot.com"},
		Hosts: []string{"copilot-proxy.githubusercontent.com", "copilot-workspace.githubnext.com",
			"copilotprodattachments.blob.core.windows.net"},
	},
	{Name: "Microsoft Copilot", Domains: []string{"copilot.microsoft.com", "copilot.cloud.microsoft", "copilot.com"}},
	{Name: "Meta AI", Domains: []string{"meta.ai"}},
	{Name: "Cohere", Domains: []string{"cohere.com", "cohere.ai"}},
	{Name: "OpenRouter", Domains: []string{"openrouter.ai"}},
	{Name: "Moonshot Kimi", Domains: []string{"kimi.ai", "moonshot.ai"}},
	{Name: "Midjourney", Domains: []string{"midjourney.com"}},
}

// builtinRanges names the embedded range file of a provider (data/SOURCE.md).
var builtinRanges = map[string]string{
	"OpenAI":     "data/openai-egress.txt",
	"Perplexity": "data/perplexity-egress.txt",
}
