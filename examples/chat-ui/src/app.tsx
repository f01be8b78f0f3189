import { useChat } from '@ai-sdk/react';
import { type FormEvent, useState } from 'react';
import { TaskCard } from './task-card.tsx';

/** The chat: messages with their text and one card per tool call, and a box to send a message. */
export function App() {
  const { messages, sendMessage, status, stop } = useChat();
  const [input, setInput] = useState('Analyse the quarterly numbers.');
  const busy = status === 'submitted' || status === 'streaming';

  const send = (event: FormEvent) => {
    event.preventDefault();
    if (!input.trim() || busy) return;
    void sendMessage({ text: input });
    setInput('');
  };

  return (
    <main>
      <h1>Toolwright chat</h1>
      <p className="hint">The agent runs an MCP task tool; its card shows the task's status as it changes.</p>
      <ol className="messages">
        {messages.map((message) => (
          <li key={message.id} className={`message ${message.role}`} data-testid={`message-${message.role}`}>
            {message.parts.map((part, index) => {
              const key = `${message.id}-${index}`;
              if (part.type === 'text') return <p key={key}>{part.text}</p>;
              if (part.type === 'dynamic-tool') return <TaskCard key={key} part={part} />;
              return null;
            })}
          </li>
        ))}
      </ol>
      <form onSubmit={send}>
        <input
          aria-label="Message"
          value={input}
          onChange={(event) => setInput(event.target.value)}
          placeholder="Ask for an analysis"
        />
        {busy ? (
          <button type="button" onClick={() => void stop()}>
            Stop
          </button>
        ) : (
          <button type="submit">Send</button>
        )}
      </form>
    </main>
  );
}
